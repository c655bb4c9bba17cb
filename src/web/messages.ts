/** One place for what went wrong (and what went right), read out by screen readers. */
import { ApiError } from './api.js';

export class Messages {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly node: HTMLElement) {}

  error(context: string, err: unknown): void {
    const text = err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
    this.show(`${context}: ${text}`, 'error');
  }

  info(text: string): void {
    this.show(text, 'info');
  }

  clear(): void {
    this.node.hidden = true;
    this.node.textContent = '';
  }

  private show(text: string, kind: 'error' | 'info'): void {
    clearTimeout(this.timer);
    this.node.textContent = text;
    this.node.dataset.kind = kind;
    this.node.hidden = false;
    if (kind === 'info') this.timer = setTimeout(() => this.clear(), 6000);
  }
}
