/** A grid of similar images with their scores; choosing one opens it. */
import { thumbUrl, type ImageHit } from './api.js';
import { el } from './dom.js';

export function renderResults(list: HTMLElement, hits: ImageHit[], onChoose: (hit: ImageHit) => void): void {
  list.replaceChildren(
    ...hits.map((hit, rank) => {
      const name = hit.label ?? `Image ${hit.id}`;
      const button = el(
        'button',
        { type: 'button', class: 'result', 'data-id': hit.id, 'aria-label': `${rank + 1}. ${name}, similarity ${hit.score.toFixed(3)}. Show on the map` },
        el('img', { src: thumbUrl(hit.id, 128), alt: '', width: 96, height: 96, loading: 'lazy' }),
        el('span', { class: 'score', text: hit.score.toFixed(3) }),
        el('span', { class: 'label', text: name }),
      );
      button.addEventListener('click', () => onChoose(hit));
      return el('li', {}, button);
    }),
  );
}
