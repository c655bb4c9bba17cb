/**
 * Thumbnails drawn on a 2-D canvas above the WebGL points, for the few on-screen points the LOD
 * picks. The scatterplot has no image sprites; at most a hundred or so pictures per view, a 2-D
 * canvas redraw is well under a millisecond.
 */
import { pickThumbs, type LodOptions, type ThumbPick } from './lod.js';
import { toScreen } from './projection.js';
import type { MapView } from './map-view.js';
import { ThumbCache } from './thumb-cache.js';

export class ThumbsLayer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cache: ThumbCache;
  private picks: ThumbPick[] = [];
  private ids: Uint32Array = new Uint32Array(0);
  private colourOf: (index: number) => string = () => '#fff';
  private hidden: ((index: number) => boolean) | null = null;
  private scheduled = false;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly map: MapView, private readonly lod: LodOptions) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw 2-D canvases.');
    this.ctx = ctx;
    const px = Math.min(256, 2 ** Math.ceil(Math.log2(lod.cell * Math.max(1, window.devicePixelRatio))));
    this.cache = new ThumbCache(px, 4 * lod.cap, () => this.schedule());
  }

  get shown(): number {
    return this.picks.length;
  }

  get requested(): number {
    return this.cache.requested;
  }

  setData(ids: Uint32Array, colourOf: (index: number) => string, hidden: ((index: number) => boolean) | null): void {
    this.ids = ids;
    this.colourOf = colourOf;
    this.hidden = hidden;
    this.cache.clear();
    this.schedule();
  }

  /** The point whose thumbnail is under (sx, sy), last drawn on top first. */
  hitTest(sx: number, sy: number): number | null {
    const half = this.lod.cell / 2;
    for (let k = this.picks.length - 1; k >= 0; k--) {
      const p = this.picks[k]!;
      if (Math.abs(p.sx - sx) <= half && Math.abs(p.sy - sy) <= half && this.cache.get(this.ids[p.index]!)) return p.index;
    }
    return null;
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  private draw(): void {
    const vp = this.map.viewport();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(vp.width * dpr), h = Math.round(vp.height * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, vp.width, vp.height);
    // Zoomed out, the points in view are about n / zoom²: far too many for pictures, and listing
    // them every frame would cost more than drawing them. Ask the spatial index only near legible zoom.
    const expected = this.map.pointCount / this.map.zoom() ** 2;
    let inView: number[] = [];
    if (expected <= 8 * this.lod.maxInView) {
      inView = this.map.pointsInView();
      if (this.hidden) inView = inView.filter((i) => !this.hidden!(i));
    }
    this.picks = pickThumbs(inView, (i) => toScreen(vp, ...this.map.ndcOf(i)), vp.width, vp.height, this.lod);
    this.cache.want(this.picks.map((p) => this.ids[p.index]!));
    const side = this.lod.cell - 6;
    for (const p of this.picks) {
      const img = this.cache.get(this.ids[p.index]!);
      if (!img) continue;
      const x = p.sx - side / 2, y = p.sy - side / 2;
      ctx.fillStyle = this.colourOf(p.index);
      ctx.fillRect(x - 2, y - 2, side + 4, side + 4);
      ctx.drawImage(img, x, y, side, side);
    }
  }
}
