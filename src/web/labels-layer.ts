/**
 * DOM overlays that follow the map: a button per cluster (its label and a representative
 * thumbnail; activating it flies there) and the marker where an uploaded image falls. Labels that
 * would overlap a bigger cluster's label are hidden.
 */
import { thumbUrl, type ClusterInfo } from './api.js';
import { el } from './dom.js';
import { toScreen, type Normaliser } from './projection.js';
import type { MapView } from './map-view.js';

interface Placed {
  cluster: ClusterInfo;
  node: HTMLButtonElement;
  ndc: [number, number];
  /** Measured once: reading sizes while moving labels would force a layout per label per frame. */
  w: number;
  h: number;
}

export class LabelsLayer {
  private labels: Placed[] = [];
  private marker: { node: HTMLElement; ndc: [number, number] } | null = null;

  constructor(private readonly root: HTMLElement, private readonly map: MapView, private readonly onChoose: (c: ClusterInfo, ndc: [number, number]) => void) {}

  setClusters(clusters: ClusterInfo[], norm: Normaliser, colourOf: (c: ClusterInfo) => string): void {
    for (const l of this.labels) l.node.remove();
    // Biggest first: they win overlaps and come first in the tab order.
    const sorted = [...clusters].sort((a, b) => b.size - a.size);
    this.labels = sorted.map((cluster) => {
      const ndc = norm.toNdc(cluster.x, cluster.y);
      const name = cluster.label ?? `Cluster ${cluster.id}`;
      const rep = cluster.representatives[0]?.id;
      const node = el('button', {
        class: 'cluster-label',
        type: 'button',
        'aria-label': `${name}: ${cluster.size} images. Zoom to this cluster`,
        'data-cluster': cluster.id,
      });
      if (rep !== undefined) node.append(el('img', { src: thumbUrl(rep, 64), alt: '', width: 28, height: 28, loading: 'lazy' }));
      node.append(el('span', { text: name }));
      node.style.setProperty('--swatch', colourOf(cluster));
      node.addEventListener('click', () => this.onChoose(cluster, ndc));
      this.root.append(node);
      return { cluster, node, ndc, w: 0, h: 0 };
    });
    for (const l of this.labels) {
      l.w = l.node.offsetWidth;
      l.h = l.node.offsetHeight;
    }
    this.update();
  }

  recolour(colourOf: (c: ClusterInfo) => string): void {
    for (const l of this.labels) l.node.style.setProperty('--swatch', colourOf(l.cluster));
  }

  /** Marks the map position of a query; null removes the marker. */
  setMarker(ndc: [number, number] | null, title = 'Your image'): void {
    this.marker?.node.remove();
    this.marker = null;
    if (!ndc) return;
    const node = el('div', { class: 'query-marker', role: 'img', 'aria-label': `${title} falls here on the map` }, el('span', { text: title }));
    this.root.append(node);
    this.marker = { node, ndc };
    this.update();
  }

  update(): void {
    const vp = this.map.viewport();
    const boxes: [number, number, number, number][] = [];
    for (const l of this.labels) {
      const [sx, sy] = toScreen(vp, l.ndc[0], l.ndc[1]);
      const { w, h } = l;
      const box: [number, number, number, number] = [sx - w / 2, sy - h / 2, sx + w / 2, sy + h / 2];
      const offScreen = box[2] < 0 || box[3] < 0 || box[0] > vp.width || box[1] > vp.height;
      const overlaps = boxes.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]);
      const visible = !offScreen && !overlaps;
      l.node.classList.toggle('off', !visible);
      if (visible) {
        boxes.push(box);
        l.node.style.transform = `translate(${Math.round(box[0])}px, ${Math.round(box[1])}px)`;
      }
    }
    if (this.marker) {
      const [sx, sy] = toScreen(vp, ...this.marker.ndc);
      this.marker.node.style.transform = `translate(${Math.round(sx)}px, ${Math.round(sy)}px)`;
    }
  }
}
