/**
 * Thumbnail images by id: a few downloads at a time, only for what the view still wants, and a
 * bounded number kept decoded. The HTTP cache (the server sends Cache-Control and ETag) makes a
 * picture evicted here cheap to get back.
 */
import { thumbUrl } from './api.js';

const PARALLEL = 6;

export class ThumbCache {
  private readonly ready = new Map<number, HTMLImageElement>();
  private readonly loading = new Set<number>();
  private readonly failed = new Set<number>();
  private queue: number[] = [];
  /** Number of thumbnails requested from the server so far: the LOD's effect, for the page and its tests. */
  requested = 0;

  constructor(private readonly size: number, private readonly keep: number, private readonly onLoad: () => void) {}

  get(id: number): HTMLImageElement | undefined {
    const img = this.ready.get(id);
    if (img) {
      // Re-insert: Map order is the LRU order.
      this.ready.delete(id);
      this.ready.set(id, img);
    }
    return img;
  }

  /** Replaces the wish list: ids no longer wanted are dropped before they are fetched. */
  want(ids: number[]): void {
    this.queue = ids.filter((id) => !this.ready.has(id) && !this.loading.has(id) && !this.failed.has(id));
    this.pump();
  }

  clear(): void {
    this.ready.clear();
    this.failed.clear();
    this.queue = [];
  }

  private pump(): void {
    while (this.loading.size < PARALLEL && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.loading.add(id);
      this.requested++;
      const img = new Image();
      img.decoding = 'async';
      img.onload = () => {
        this.loading.delete(id);
        this.ready.set(id, img);
        while (this.ready.size > this.keep) this.ready.delete(this.ready.keys().next().value!);
        this.onLoad();
        this.pump();
      };
      img.onerror = () => {
        this.loading.delete(id);
        this.failed.add(id);
        this.pump();
      };
      img.src = thumbUrl(id, this.size);
    }
  }
}
