/**
 * Level of detail for thumbnails: which on-screen points get a picture. Thumbnails appear only once
 * few enough points are in view for pictures to be legible, at most one per screen cell so they do
 * not pile up, and never more than a cap, so a 50,000-point map never asks for 50,000 images.
 */

export interface LodOptions {
  /** Above this many points in view, pictures would be specks: show none. */
  maxInView: number;
  /** Side of a thumbnail in CSS pixels; one picture per cell of this size. */
  cell: number;
  /** Hard limit on pictures per view. */
  cap: number;
}

export interface ThumbPick {
  index: number;
  sx: number;
  sy: number;
}

/**
 * `inView` are point indices the spatial index found inside the view, in draw order; `screen`
 * projects one to CSS pixels. The first point to land in a cell claims it, so picks are stable
 * while panning.
 */
export function pickThumbs(
  inView: ArrayLike<number>,
  screen: (index: number) => [number, number],
  width: number,
  height: number,
  opts: LodOptions,
): ThumbPick[] {
  if (inView.length === 0 || inView.length > opts.maxInView) return [];
  const cols = Math.ceil(width / opts.cell), rows = Math.ceil(height / opts.cell);
  const taken = new Uint8Array(cols * rows);
  const picks: ThumbPick[] = [];
  for (let k = 0; k < inView.length && picks.length < opts.cap; k++) {
    const index = inView[k]!;
    const [sx, sy] = screen(index);
    if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
    const cell = Math.floor(sy / opts.cell) * cols + Math.floor(sx / opts.cell);
    if (taken[cell]) continue;
    taken[cell] = 1;
    picks.push({ index, sx, sy });
  }
  return picks;
}
