/**
 * Map coordinates <-> the scatterplot's normalised device coordinates (NDC) <-> screen pixels.
 * regl-scatterplot wants points in [-1, 1]; its 2-D camera is a view matrix, and the canvas
 * aspect ratio is applied on x. Pure, so the thumbnail and label layers can project thousands of
 * points per frame without asking the library one point at a time.
 */

export interface Normaliser {
  /** Map units -> NDC, same scale on both axes so the t-SNE layout keeps its shape. */
  toNdc(x: number, y: number): [number, number];
}

/** Fits the bounds into [-0.85, 0.85] on the longer side, centred: room for thumbnails at the edges. */
export function normaliser(bounds: readonly [number, number, number, number]): Normaliser {
  const [minX, minY, maxX, maxY] = bounds;
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  const span = Math.max(maxX - minX, maxY - minY);
  const scale = span > 0 ? 1.7 / span : 1;
  return { toNdc: (x, y) => [(x - cx) * scale, (y - cy) * scale] };
}

export function normalisePoints(x: Float32Array, y: Float32Array, n: Normaliser): { x: Float32Array; y: Float32Array } {
  const nx = new Float32Array(x.length), ny = new Float32Array(y.length);
  for (let i = 0; i < x.length; i++) {
    const [a, b] = n.toNdc(x[i]!, y[i]!);
    nx[i] = a;
    ny[i] = b;
  }
  return { x: nx, y: ny };
}

/** The camera state needed to project: the 4x4 column-major view matrix and the canvas size in CSS pixels. */
export interface Viewport {
  view: ArrayLike<number>;
  width: number;
  height: number;
}

/** NDC point -> CSS pixel on the canvas (origin top-left). Rotation is off, so only scale and translation matter. */
export function toScreen(vp: Viewport, x: number, y: number): [number, number] {
  const v = vp.view;
  const aspect = vp.width / vp.height;
  const clipX = (v[0]! * x + v[4]! * y + v[12]!) / aspect;
  const clipY = v[1]! * x + v[5]! * y + v[13]!;
  return [(vp.width * (clipX + 1)) / 2, vp.height * (0.5 - clipY / 2)];
}

/** The camera distance at which the whole [-1, 1] square is visible whatever the canvas shape (phones are taller than wide). */
export function fitDistance(width: number, height: number): number {
  return Math.max(1, height / width);
}
