import { LookalikeError } from '../core/errors.js';
import type { JobPhase, ReindexSummary } from '../core/job-status.js';
import { DEFAULT_SPEC, defaultBatchSize, loadImageModel, specFromRecipe, type ImageModel } from '../embed/model.js';
import { indexFolder } from '../indexing/indexer.js';
import { acquireWriteLock } from '../indexing/lock.js';
import { buildMap } from '../mapping/map-build.js';
import { VectorIndex } from '../search/vector-index.js';
import { MapStore } from '../store/map-store.js';
import { Store } from '../store/store.js';
import type { ReindexRequest } from './messages.js';

/** The fewest images a map is built of (t-SNE's minimum). */
const MIN_MAP_POINTS = 4;

/**
 * Whether the current map shows exactly the serving model's images: false before the first
 * map, after a recipe change, or when a job was stopped between indexing and publishing.
 */
function mapIsCurrent(store: Store): boolean {
  const maps = new MapStore(store.db);
  const id = maps.currentId();
  const serving = store.servingModel();
  if (id === undefined || !serving || maps.version(id)?.modelId !== serving.id) return false;
  return maps.unmappedVectors(id, serving.id).length === 0;
}

export interface ReindexHooks {
  signal: AbortSignal;
  onProgress: (phase: JobPhase, done: number, total: number, detail?: string) => void;
}

/**
 * One reindex: brings the store in step with the folder, persists the search graph, and
 * rebuilds the map when the images changed. Each step commits on its own (batches, the graph
 * file by rename, the map by one publishing transaction), so a kill at any point leaves the
 * previous index and map serving and a rerun resumes. Returns undefined when cancelled.
 */
export async function reindex(req: ReindexRequest, hooks: ReindexHooks): Promise<ReindexSummary | undefined> {
  const started = performance.now();
  const release = acquireWriteLock(req.dbPath);
  const store = Store.open(req.dbPath);
  let model: ImageModel | undefined;
  try {
    const root = req.root ?? store.getMeta('root');
    if (root === undefined) throw new LookalikeError('NOTHING_INDEXED', 'this database indexes no folder yet: start the server with --images <folder>');
    const serving = store.servingModel();
    // The recipe the index was built with; the default one on a new database.
    const spec = serving ? specFromRecipe(serving) : DEFAULT_SPEC;
    hooks.onProgress('starting', 0, 0, 'loading the model');
    model = await loadImageModel(spec, req.runtime);
    hooks.onProgress('scanning', 0, 0);
    const summary = await indexFolder(store, model, {
      root, batchSize: defaultBatchSize(spec.preprocessing), maxFileBytes: req.maxFileBytes, limits: req.limits,
      signal: hooks.signal,
      onStart: (total) => hooks.onProgress('embedding', 0, total),
      onProgress: (done, total) => hooks.onProgress('embedding', done, total),
    });
    await model.close();
    model = undefined;
    if (summary.interrupted) return undefined;
    if (summary.indexed === 0) {
      throw new LookalikeError('NOTHING_INDEXED', summary.total === 0 ? `no images found under ${root}` : 'no image could be indexed');
    }
    hooks.onProgress('indexing', 0, summary.indexed);
    await VectorIndex.open(store, req.dbPath, { threads: req.runtime.threads }); // builds and persists the graph if stale
    hooks.onProgress('indexing', summary.indexed, summary.indexed);
    const { added, updated, unchanged, removed, failed, indexed } = summary;
    const changed = added + updated + removed > 0;
    let mapId = new MapStore(store.db).currentId() ?? null;
    let mapAction: ReindexSummary['mapAction'] = 'unchanged';
    if (indexed >= MIN_MAP_POINTS && (changed || !mapIsCurrent(store))) {
      hooks.onProgress('mapping', 0, 0);
      const built = await buildMap(store, {
        threads: req.runtime.threads, signal: hooks.signal,
        onProgress: (p) => hooks.onProgress('mapping', p.done, p.total, p.phase),
      });
      mapId = built.mapId;
      mapAction = 'built';
    }
    return { added, updated, unchanged, removed, failed, indexed, mapId, mapAction, seconds: (performance.now() - started) / 1000 };
  } finally {
    await model?.close();
    store.close();
    release();
  }
}
