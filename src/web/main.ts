/**
 * The Lookalike browser app: composes the map, its overlays, the legend, search by upload and the
 * admin panel around the HTTP API. Everything here is wiring; the parts live in their own files.
 */
import { AdminPanel } from './admin.js';
import { getClusters, getMap, searchByUpload, similarTo, fileUrl, type ClusterInfo, type ImageHit, type LoadedMap, type SearchResult } from './api.js';
import { colouring, visiblePoints, type ColourMode, type Colouring, type PointGroups } from './colouring.js';
import { byId } from './dom.js';
import { LabelsLayer } from './labels-layer.js';
import { collapsibleLegend, Legend } from './legend.js';
import { MapView } from './map-view.js';
import { nearestPoint, stepFrom } from './nearest.js';
import { Messages } from './messages.js';
import { Preview } from './preview.js';
import { normalisePoints, normaliser, toScreen, type Normaliser } from './projection.js';
import { renderResults } from './results.js';
import { ThumbsLayer } from './thumbs-layer.js';
import { wireUpload } from './upload.js';

const K = 12;
/** Thumbnails: none until at most this many points are in view; one per cell; at most `cap`. */
const LOD = { maxInView: 400, cell: 56, cap: 120 };
/** Zoom used when flying to an uploaded image or a cluster. */
const FLY_ZOOM = 4;

interface Loaded {
  map: LoadedMap;
  norm: Normaliser;
  x: Float32Array;
  y: Float32Array;
  indexOfId: Map<number, number>;
  clusters: ClusterInfo[];
  colours: Colouring;
}

const messages = new Messages(byId('messages'));
const mapRoot = byId<HTMLDivElement>('map');
const canvas = byId<HTMLCanvasElement>('map-canvas');
const summary = byId('summary');
const panel = byId('panel');
const panelTitle = byId('panel-title');
const panelStatus = byId('panel-status');
const resultsList = byId('results');
const detail = byId('detail');
const preview = new Preview(byId('preview'), byId<HTMLImageElement>('preview-img'), byId('preview-caption'));

let mode: ColourMode = 'cluster';
let state: Loaded | null = null;
let view: MapView | null = null;
let thumbs: ThumbsLayer | null = null;
let labels: LabelsLayer | null = null;
let hidden: ReadonlySet<number> = new Set();
let hoverFromPlot: number | null = null;
let pointer: [number, number] | null = null;
/** The point the keyboard is on (Shift+arrows move it, Enter opens it). */
let cursor: number | null = null;
const mapStatus = byId('map-status');

const legend = new Legend(
  byId('legend-list'),
  Array.from(document.querySelectorAll<HTMLInputElement>('input[name="colour"]')),
  (m) => void setMode(m),
  (h) => void setHidden(h),
);

function ensureView(expectedPoints: number): { view: MapView; thumbs: ThumbsLayer; labels: LabelsLayer } {
  if (!view || !thumbs || !labels) {
    view = new MapView(canvas, {
      onHover: (i) => {
        hoverFromPlot = i;
        updatePreview();
      },
      onPick: (i) => void openImage(i),
      onStep: (dx, dy) => stepCursor(dx, dy),
      onEnter: () => cursor !== null && void openImage(cursor),
      onView: () => {
        thumbs?.schedule();
        labels?.update();
        updatePreview();
      },
    }, expectedPoints);
    thumbs = new ThumbsLayer(byId<HTMLCanvasElement>('thumbs'), view, LOD);
    labels = new LabelsLayer(byId('labels'), view, (c, ndc) => {
      void view!.flyTo(ndc[0], ndc[1], FLY_ZOOM);
      messages.info(`${c.label ?? `Cluster ${c.id}`}: ${c.size.toLocaleString()} images`);
    });
  }
  return { view, thumbs, labels };
}

/** Loads (or reloads, after a reindex) the current map and its clusters. */
async function loadMap(): Promise<void> {
  const [map, clusters] = await Promise.all([getMap(), getClusters().catch(() => [] as ClusterInfo[])]);
  const empty = byId('empty');
  if (!map || map.header.count === 0) {
    empty.hidden = false;
    summary.textContent = 'No map yet';
    mapRoot.dataset.points = '0';
    return;
  }
  empty.hidden = true;
  const norm = normaliser(map.header.bounds);
  const { x, y } = normalisePoints(map.x, map.y, norm);
  const indexOfId = new Map<number, number>();
  map.id.forEach((id, i) => indexOfId.set(id, i));
  const colours = colouring(mode, pointGroups(map), clusters);
  state = { map, norm, x, y, indexOfId, clusters, colours };
  const parts = ensureView(map.header.count);
  hidden = new Set();
  cursor = null;
  await parts.view.setPoints(x, y, colours.category, colours.entries.map((e) => e.colour));
  parts.thumbs.setData(map.id, colourOfPoint, null);
  parts.labels.setClusters(clusters, norm, colourOfCluster);
  parts.labels.setMarker(null);
  legend.show(colours.entries);
  mapRoot.dataset.points = String(parts.view.pointCount);
  mapRoot.dataset.mapId = String(map.header.mapId);
  summary.textContent = `${map.header.count.toLocaleString()} images · ${clusters.length} clusters`;
}

function pointGroups(map: LoadedMap): PointGroups {
  return { cluster: map.cluster, label: map.label, labels: map.header.labels };
}

/** Point i's folder label, from the map itself: no request per hover. */
function labelOf(i: number): string | null {
  const l = state?.map.label[i] ?? -1;
  return l < 0 ? null : state!.map.header.labels[l] ?? null;
}

function colourOfPoint(i: number): string {
  return state ? state.colours.entries[state.colours.category[i]!]?.colour ?? '#fff' : '#fff';
}

function colourOfCluster(c: ClusterInfo): string {
  const entry = state?.colours.entryOfCluster.get(c.id);
  return entry === undefined ? '#9aa5b1' : state!.colours.entries[entry]!.colour;
}

async function setMode(m: ColourMode): Promise<void> {
  mode = m;
  if (!state || !view) return;
  state.colours = colouring(mode, pointGroups(state.map), state.clusters);
  hidden = new Set();
  await view.filter(null);
  await view.recolour(state.colours.category, state.colours.entries.map((e) => e.colour));
  legend.show(state.colours.entries);
  labels?.recolour(colourOfCluster);
  thumbs?.setData(state.map.id, colourOfPoint, null);
}

async function setHidden(h: ReadonlySet<number>): Promise<void> {
  if (!state || !view) return;
  hidden = new Set(h);
  const category = state.colours.category;
  await view.filter(visiblePoints(category, hidden));
  if (cursor !== null && hidden.has(category[cursor]!)) setCursor(null);
  thumbs?.setData(state.map.id, colourOfPoint, hidden.size > 0 ? (i) => hidden.has(category[i]!) : null);
}

function updatePreview(): void {
  if (!state || !view || !thumbs) return preview.hide();
  // The pointer's point; with the pointer away, the keyboard's while the map has focus.
  const keyboard = document.activeElement === canvas ? cursor : null;
  const index = pointer ? thumbs.hitTest(pointer[0], pointer[1]) ?? hoverFromPlot : keyboard;
  if (index === null) return preview.hide();
  const [sx, sy] = toScreen(view.viewport(), ...view.ndcOf(index));
  preview.show(state.map.id[index]!, labelOf(index), sx, sy, { width: mapRoot.clientWidth, height: mapRoot.clientHeight });
}

function shownPoint(): ((i: number) => boolean) | undefined {
  const category = state?.colours.category;
  return category && hidden.size > 0 ? (i) => !hidden.has(category[i]!) : undefined;
}

/** Shift+arrow: the first press takes the point nearest the centre of the view, later ones step from it. */
function stepCursor(dx: number, dy: number): void {
  if (!state || !view) return;
  const next = cursor === null ? nearestPoint(state.x, state.y, ...view.centre(), shownPoint()) : stepFrom(state.x, state.y, cursor, dx, dy, shownPoint());
  if (next === null) {
    mapStatus.textContent = cursor === null ? 'No image is shown.' : 'No image further that way.';
    return;
  }
  setCursor(next);
  // Keep the point away from the edges, at the same zoom.
  const [x, y] = view.ndcOf(next);
  const [sx, sy] = toScreen(view.viewport(), x, y);
  const w = mapRoot.clientWidth, h = mapRoot.clientHeight;
  if (sx < 0.15 * w || sx > 0.85 * w || sy < 0.15 * h || sy > 0.85 * h) void view.flyTo(x, y, view.zoom(), 250);
  const label = labelOf(next);
  mapStatus.textContent = `Image #${state.map.id[next]}${label ? `, ${label}` : ''}. Enter opens it.`;
}

function setCursor(index: number | null): void {
  cursor = index;
  view?.cursor(index);
  if (index === null || !state) delete mapRoot.dataset.cursor;
  else mapRoot.dataset.cursor = String(state.map.id[index]);
  updatePreview();
}

function openPanel(title: string, status: string): void {
  panel.hidden = false;
  panelTitle.textContent = title;
  panelStatus.textContent = status;
  resultsList.replaceChildren();
}

/** Shows the result hits on the map: highlighted, with the query's own point first. */
function showHits(result: SearchResult, ownIndex: number | null): void {
  renderResults(resultsList, result.results, (hit) => void chooseHit(hit));
  if (!state || !view) return;
  const indices = result.results.map((h) => state!.indexOfId.get(h.id)).filter((i): i is number => i !== undefined);
  view.highlight(ownIndex === null ? indices : [ownIndex, ...indices.filter((i) => i !== ownIndex)]);
  mapRoot.dataset.highlighted = String(indices.length);
}

async function chooseHit(hit: ImageHit): Promise<void> {
  const index = state?.indexOfId.get(hit.id);
  if (index === undefined || !view) {
    messages.info(`Image ${hit.id} is not on the current map yet.`);
    return;
  }
  // Chosen by keyboard: focus follows into the new list, so Tab and Enter walk from neighbour to neighbour.
  const fromList = resultsList.contains(document.activeElement);
  const [x, y] = view.ndcOf(index);
  await view.flyTo(x, y, Math.max(view.zoom(), FLY_ZOOM));
  await openImage(index);
  if (fromList) resultsList.querySelector<HTMLElement>('.result')?.focus();
}

async function openImage(index: number): Promise<void> {
  if (!state) return;
  const id = state.map.id[index]!;
  setCursor(index);
  openPanel(`Image #${id}`, 'Finding its nearest neighbours…');
  detail.hidden = false;
  const img = byId<HTMLImageElement>('detail-img');
  img.src = fileUrl(id);
  img.alt = `Image ${id}`;
  const label = labelOf(index);
  byId('detail-caption').textContent = label ? `Label: ${label}` : 'No label';
  panel.dataset.kind = 'neighbours';
  panel.dataset.id = String(id);
  try {
    const result = await similarTo(id, K + 1);
    const others = { ...result, results: result.results.filter((h) => h.id !== id).slice(0, K) };
    panelStatus.textContent = `${others.results.length} nearest neighbours, highlighted on the map.`;
    showHits(others, index);
  } catch (err) {
    panelStatus.textContent = '';
    messages.error(`Could not load the neighbours of image ${id}`, err);
  }
}

async function searchFile(file: File): Promise<void> {
  openPanel('Similar images', `Searching with ${file.name}…`);
  detail.hidden = true;
  panel.dataset.kind = 'upload';
  delete panel.dataset.id;
  labels?.setMarker(null);
  setCursor(null);
  try {
    const result = await searchByUpload(file, K);
    panelStatus.textContent = `${result.results.length} most similar to ${file.name}${result.map ? ', marked on the map' : ''}.`;
    showHits(result, null);
    if (result.map && state && view && labels) {
      const ndc = state.norm.toNdc(result.map.x, result.map.y);
      labels.setMarker(ndc, file.name);
      mapRoot.dataset.marker = `${result.map.x},${result.map.y}`;
      await view.flyTo(ndc[0], ndc[1], FLY_ZOOM);
    }
  } catch (err) {
    panelStatus.textContent = 'No results.';
    messages.error(`Search with ${file.name} failed`, err);
  }
}

function wirePointer(): void {
  let down: [number, number] | null = null;
  mapRoot.addEventListener('pointermove', (e) => {
    const r = mapRoot.getBoundingClientRect();
    pointer = [e.clientX - r.left, e.clientY - r.top];
    updatePreview();
  });
  mapRoot.addEventListener('pointerleave', () => {
    pointer = null;
    preview.hide();
  });
  mapRoot.addEventListener('pointerdown', (e) => (down = [e.clientX, e.clientY]));
  canvas.addEventListener('focus', updatePreview);
  canvas.addEventListener('blur', updatePreview);
  // Thumbnails are bigger than their dots: a click on one opens it even off the dot. A drag is not a click.
  mapRoot.addEventListener('click', (e) => {
    if (!thumbs || !down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return;
    const r = mapRoot.getBoundingClientRect();
    const index = thumbs.hitTest(e.clientX - r.left, e.clientY - r.top);
    if (index !== null) void openImage(index);
  });
}

function wireControls(): void {
  // The same width as the phone layout in style.css.
  collapsibleLegend(byId<HTMLButtonElement>('legend-toggle'), byId('legend-body'), window.matchMedia('(max-width: 700px)'));
  byId('panel-close').addEventListener('click', () => {
    panel.hidden = true;
    view?.highlight([]);
    labels?.setMarker(null);
    canvas.focus();
  });
  byId('reset-view').addEventListener('click', () => void view?.reset());
  const adminToggle = byId<HTMLButtonElement>('admin-toggle');
  const adminSection = byId('admin');
  adminToggle.addEventListener('click', () => {
    adminSection.hidden = !adminSection.hidden;
    adminToggle.setAttribute('aria-expanded', String(!adminSection.hidden));
    if (!adminSection.hidden) byId('admin-token').focus();
  });
  wireUpload(byId<HTMLInputElement>('upload-input'), byId('drop-hint'), (f) => void searchFile(f));
  new AdminPanel(
    {
      form: byId<HTMLFormElement>('admin-form'),
      token: byId<HTMLInputElement>('admin-token'),
      start: byId<HTMLButtonElement>('reindex-start'),
      cancel: byId<HTMLButtonElement>('reindex-cancel'),
      progress: byId<HTMLProgressElement>('reindex-progress'),
      status: byId('reindex-status'),
    },
    messages,
    async () => {
      await loadMap();
      messages.info('The map has been refreshed with the new index.');
    },
  );
}

/** Read-only hooks for the browser tests and the benchmark: where a point is drawn, what the LOD fetched. */
function exposeForTests(): void {
  Object.assign(window, {
    lookalike: {
      screenOf(id: number): [number, number] | null {
        const i = state?.indexOfId.get(id);
        if (i === undefined || !view) return null;
        return toScreen(view.viewport(), ...view.ndcOf(i));
      },
      thumbs: () => ({ shown: thumbs?.shown ?? 0, requested: thumbs?.requested ?? 0 }),
      visiblePoints: () => view?.shownCount() ?? 0,
    },
  });
}

wirePointer();
wireControls();
exposeForTests();
loadMap().then(
  () => mapRoot.setAttribute('data-ready', 'true'),
  (err) => {
    summary.textContent = 'Map unavailable';
    mapRoot.setAttribute('data-ready', 'error');
    messages.error('Could not load the map', err);
  },
);
