import { LookalikeError } from '../core/errors.js';
import type { ImageModel } from '../embed/model.js';
import type { DecodeLimits } from '../embed/preprocess.js';
import { MapView } from '../mapping/map-view.js';
import { PLACE_NEIGHBOURS } from '../mapping/place-unmapped.js';
import { MapStore } from '../store/map-store.js';
import type { Store } from '../store/store.js';
import { SearchPool } from './search-pool.js';
import { VectorIndex, type Neighbour } from './vector-index.js';

/** What searches answer from: replaced as a whole when a reindex completes, never edited. */
export interface Serving {
  index: SearchPool;
  map: MapView | null;
  modelId: number;
  /** The index run the vectors come from. */
  runId: number;
  loadedAt: string;
}

export interface Hit {
  id: number;
  score: number;
  label: string | null;
  path: string;
  /** The image's cluster on the current map; null where it is not on it (indexed since). */
  cluster: number | null;
}

/** Where a query falls on the current map, placed from its nearest mapped neighbours. */
export interface Placement {
  mapId: number;
  x: number;
  y: number;
  neighbours: Array<{ id: number; score: number; x: number; y: number; cluster: number }>;
}

export interface SearchResult {
  results: Hit[];
  map: Placement | null;
}

/** Hits fetched beyond k so that placement finds mapped neighbours even when the top ones are new. */
const PLACE_POOL = 30;
/** How long an index replaced by a reindex keeps answering the requests that started on it. */
const RETIRE_GRACE_MS = 5000;

/**
 * Similarity search over the serving snapshot: by an indexed image's stored vector, or by an
 * uploaded image embedded the way the index was built.
 */
export class SearchService {
  private constructor(
    private readonly store: Store,
    private readonly dbPath: string,
    private readonly model: ImageModel,
    private readonly limits: DecodeLimits,
    private readonly threads: number,
    private current: Serving,
  ) {}

  /** threads: search threads (each maps the same graph file). */
  static async open(store: Store, dbPath: string, model: ImageModel, limits: DecodeLimits, threads: number): Promise<SearchService> {
    return new SearchService(store, dbPath, model, limits, threads, await loadServing(store, dbPath, model, threads));
  }

  get serving(): Serving {
    return this.current;
  }

  /** Loads the store's newest index and map, then switches to them in one assignment. */
  async reload(): Promise<Serving> {
    const old = this.current;
    this.current = await loadServing(this.store, this.dbPath, this.model, this.threads);
    old.index.close(RETIRE_GRACE_MS).catch(() => undefined); // its threads end either way
    return this.current;
  }

  async close(): Promise<void> {
    await this.current.index.close();
  }

  async similarToImage(imageId: number, k: number): Promise<SearchResult> {
    const s = this.current;
    const own = s.map?.position(imageId);
    // Extra hits only where the image must be placed from its neighbours: the search cost grows with k.
    const want = own || !s.map ? k + 1 : Math.max(k + 1, PLACE_POOL);
    const searched = await s.index.search({ imageId }, want, s.modelId);
    if (!searched) {
      const known = this.store.imageDetails(imageId);
      throw new LookalikeError('NOT_FOUND', known ? `image ${imageId} has no vector (${known.error ?? 'not indexed yet'})` : `no image with id ${imageId}`);
    }
    // The image itself is not its own neighbour.
    const found = searched.filter((n) => n.imageId !== imageId);
    const placement = own && s.map ? { mapId: s.map.id, x: own.x, y: own.y, neighbours: [] } : await this.place(s, found);
    return { results: this.hits(s, found.slice(0, k)), map: placement };
  }

  async similarToUpload(bytes: Buffer, k: number): Promise<SearchResult> {
    const img = await this.model.decode(bytes, this.limits);
    const [vector] = await this.model.embed([img.pixels]);
    const s = this.current; // after embedding: the snapshot current when the search starts
    const found = (await s.index.search({ vector: vector! }, s.map ? Math.max(k, PLACE_POOL) : k, s.modelId))!;
    return { results: this.hits(s, found.slice(0, k)), map: await this.place(s, found) };
  }

  /** Hits with their rows; an image removed by a reindex in progress drops out. */
  private hits(s: Serving, found: Neighbour[]): Hit[] {
    const info = this.store.imagesByIds(found.map((n) => n.imageId));
    const out: Hit[] = [];
    for (const n of found) {
      const row = info.get(n.imageId);
      if (!row) continue;
      out.push({ id: n.imageId, score: n.score, label: row.label, path: row.path, cluster: s.map?.position(n.imageId)?.cluster ?? null });
    }
    return out;
  }

  private async place(s: Serving, found: Neighbour[]): Promise<Placement | null> {
    if (!s.map) return null;
    const neighbours: Placement['neighbours'] = [];
    for (const n of found) {
      const p = s.map.position(n.imageId);
      if (p) neighbours.push({ id: n.imageId, score: n.score, ...p });
      if (neighbours.length === PLACE_NEIGHBOURS) break;
    }
    if (neighbours.length === 0) return null;
    return { mapId: s.map.id, ...(await s.index.place(neighbours)), neighbours };
  }
}

async function loadServing(store: Store, dbPath: string, model: ImageModel, threads: number): Promise<Serving> {
  const model_ = store.servingModel();
  if (!model_) throw new LookalikeError('NOTHING_INDEXED', 'nothing is indexed yet: start the server with --images <folder>');
  if (model_.fingerprint !== model.recipe.fingerprint) {
    throw new LookalikeError('BAD_MODEL', `the index was built with another model recipe (${model_.name}) than the server loaded`);
  }
  // Builds and persists the graph here if it is stale, so that the search threads only map it.
  await VectorIndex.open(store, dbPath, { view: true });
  const loaded = new MapStore(store.db).loadCurrent();
  // A map of another model's vectors would place queries by the wrong neighbours.
  const map = loaded && loaded.modelId === model_.id ? MapView.from(loaded, store.imageLabels()) : null;
  const index = await SearchPool.open(dbPath, threads, map && { x: map.map.x, y: map.map.y });
  return { index, map, modelId: model_.id, runId: store.lastFinishedRunId(), loadedAt: new Date().toISOString() };
}
