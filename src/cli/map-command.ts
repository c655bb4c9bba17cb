import { LookalikeError } from '../core/errors.js';
import { acquireWriteLock } from '../indexing/lock.js';
import { buildMap, type MapBuildResult } from '../mapping/map-build.js';
import { intOption, parse } from './args.js';
import { openExistingStore, runtimeFor } from './context.js';
import { createPhaseProgress } from './progress.js';
import { abortOnInterrupt } from './interrupt.js';

export const MAP_HELP = `lookalike map [options]

Builds the map of every indexed image: one PCA projection to 50 dimensions, k-means clusters
and a 2-D t-SNE layout of it, cluster descriptions (size, representatives, majority folder
label), and cluster ids matched to the previous map's so a group keeps its id. The new map
becomes the current one only once complete: an interrupted or killed build leaves the
previous map in place.

Options:
  --db FILE           database (default data/lookalike.db, or $LOOKALIKE_DB)
  --clusters K|auto   number of clusters (default auto: about √(n/2), at most 100)
  --seed N            seed of PCA, k-means and t-SNE (default 1)
  --threads N         threads (default: all cores)
  --device DEVICE     auto, cpu or cuda for PCA and t-SNE (default auto: CUDA when present)
  --json              print the result as JSON on stdout
  --quiet             no progress on stderr

Exit status: 0 built, 1 error (e.g. nothing indexed), 2 bad usage, 130 interrupted.`;

export async function mapCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    db: { type: 'string' }, clusters: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' },
    device: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' },
  }, { min: 0, max: 0, usage: 'lookalike map [options]' });
  if (values.help) {
    process.stdout.write(`${MAP_HELP}\n`);
    return 0;
  }
  const clusters = values.clusters === undefined || values.clusters === 'auto' ? 'auto' : intOption(values.clusters, 'clusters', 0, 1);
  const seed = intOption(values.seed, 'seed', 1, 1, 2 ** 32);
  const threads = intOption(values.threads, 'threads', 0, 0, 1024);
  const device = values.device ?? 'auto';
  if (device !== 'auto' && device !== 'cpu' && device !== 'cuda')
    throw new LookalikeError('BAD_ARGUMENT', `--device must be auto, cpu or cuda, got "${String(device)}"`);
  const { dbPath } = runtimeFor(values.db);

  const store = openExistingStore(dbPath);
  let release: (() => void) | undefined;
  const interrupt = abortOnInterrupt('stopping the map build; the current map stays');
  try {
    release = acquireWriteLock(dbPath);
    const result = await buildMap(store, {
      clusters, seed, threads, device, signal: interrupt.signal,
      onProgress: createPhaseProgress(process.stderr, { quiet: values.quiet === true }),
    });
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${summary(result)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof LookalikeError && err.code === 'CANCELLED') return 130;
    throw err;
  } finally {
    interrupt.dispose();
    store.close();
    release?.();
  }
}

function summary(r: MapBuildResult): string {
  const s = r.seconds;
  const f = (x: number | undefined): string => (x ?? 0).toFixed(1);
  return `map ${r.mapId}: ${r.points} images in ${r.clusters} clusters, ${f(s.total)} s ` +
    `(load ${f(s.load)}, pca ${f(s.pca)}, k-means ${f(s.kmeans)}, t-SNE ${f(s.tsne)}: knn ${f(s.knn)}, affinities ${f(s.affinities)}, ` +
    `optimisation ${f(s.optimize)}; clusters ${f(s.describe)}, write ${f(s.write)})`;
}
