/** The legend: a colour-mode switch and one toggle button per entry that hides or shows its points. */
import type { ColourMode, LegendEntry } from './colouring.js';
import { el } from './dom.js';

export class Legend {
  private hidden = new Set<number>();

  constructor(
    private readonly list: HTMLElement,
    modeInputs: HTMLInputElement[],
    private readonly onMode: (mode: ColourMode) => void,
    private readonly onHidden: (hidden: ReadonlySet<number>) => void,
  ) {
    for (const input of modeInputs) input.addEventListener('change', () => input.checked && this.onMode(input.value as ColourMode));
  }

  show(entries: LegendEntry[]): void {
    this.hidden = new Set();
    const sorted = entries.map((e, i) => ({ ...e, i })).sort((a, b) => b.count - a.count);
    this.list.replaceChildren(
      ...sorted.map((e) => {
        const button = el(
          'button',
          { type: 'button', class: 'legend-entry', 'aria-pressed': 'true', title: `Show or hide ${e.name}` },
          el('span', { class: 'swatch', 'aria-hidden': 'true' }),
          el('span', { class: 'name', text: e.name }),
          el('span', { class: 'count', text: e.count.toLocaleString() }),
        );
        button.style.setProperty('--swatch', e.colour);
        button.addEventListener('click', () => {
          const shown = this.hidden.has(e.i);
          if (shown) this.hidden.delete(e.i);
          else this.hidden.add(e.i);
          button.setAttribute('aria-pressed', String(shown));
          this.onHidden(this.hidden);
        });
        return el('li', {}, button);
      }),
    );
  }
}

/**
 * The legend's heading button shows or hides its body. Collapsed by default on narrow screens,
 * where an open legend would cover a third of the map; open by default on wide ones.
 */
export function collapsibleLegend(toggle: HTMLButtonElement, body: HTMLElement, narrow: MediaQueryList): void {
  const set = (open: boolean): void => {
    toggle.setAttribute('aria-expanded', String(open));
    body.hidden = !open;
  };
  set(!narrow.matches);
  narrow.addEventListener('change', (e) => set(!e.matches));
  toggle.addEventListener('click', () => set(toggle.getAttribute('aria-expanded') !== 'true'));
}
