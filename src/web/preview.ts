/** The hover preview: a larger thumbnail and the image's label beside the pointer. */
import { thumbUrl } from './api.js';

export class Preview {
  private current: number | null = null;

  constructor(private readonly node: HTMLElement, private readonly img: HTMLImageElement, private readonly caption: HTMLElement) {}

  show(id: number, label: string | null, sx: number, sy: number, bounds: { width: number; height: number }): void {
    if (this.current !== id) {
      this.current = id;
      this.img.src = thumbUrl(id, 192);
      this.img.alt = label ? `Image ${id}, ${label}` : `Image ${id}`;
      this.caption.textContent = label ? `${label} · #${id}` : `#${id}`;
    }
    this.node.hidden = false;
    this.node.dataset.id = String(id);
    const w = this.node.offsetWidth, h = this.node.offsetHeight;
    // Beside the pointer, flipped to stay inside the map.
    const x = sx + 16 + w > bounds.width ? sx - 16 - w : sx + 16;
    const y = Math.min(Math.max(8, sy - h / 2), bounds.height - h - 8);
    this.node.style.transform = `translate(${Math.round(Math.max(8, x))}px, ${Math.round(y)}px)`;
  }

  hide(): void {
    this.current = null;
    this.node.hidden = true;
  }
}
