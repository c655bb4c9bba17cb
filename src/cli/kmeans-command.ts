import { LookalikeError } from '../core/errors.js';
import { KMEANS_TOLERANCE, kmeans } from '../native/kmeans.js';
import { readMatrix, writeNpy } from '../npy/npy.js';
import { choice, intOption, numberOption, parse } from './args.js';

export const KMEANS_HELP = `lookalike kmeans --input X.npy --k K --output labels.npy [options]

Clusters the rows of a float32 or float64 .npy matrix (n x d) into K clusters: greedy
k-means++ seeds, then Lloyd iterations until one lowers the inertia (the sum of squared
distances to the centroids) by less than --tolerance of it, or --max-iterations.
Writes the cluster of each row (int32, n) to --output.

Options:
  --input FILE          the matrix, one row per point
  --k K                 number of clusters, from 1 to the number of rows
  --output FILE         where to write the labels (.npy, int32)
  --centroids FILE      also write the centroids (.npy, float32, K x d)
  --seed N              seed of the k-means++ draws (default 1)
  --max-iterations N    Lloyd iterations at most (default 300)
  --tolerance X         relative inertia decrease to stop at (default ${KMEANS_TOLERANCE}; 0: until
                        no label changes)
  --threads N           threads (default: all cores); the result does not depend on it
  --device DEVICE       auto, cpu or cuda (default auto: CUDA when a GPU is present; it
                        starts from the same seeds, which the CPU first refines on samples)
  --json                print the result as JSON

Exit status: 0 clustered, 1 error (e.g. an unreadable or malformed input file), 2 bad usage.`;

export async function kmeansCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    input: { type: 'string' }, k: { type: 'string' }, output: { type: 'string' }, centroids: { type: 'string' },
    seed: { type: 'string' }, 'max-iterations': { type: 'string' }, tolerance: { type: 'string' }, threads: { type: 'string' }, device: { type: 'string' },
    json: { type: 'boolean' },
  }, { min: 0, max: 0, usage: 'lookalike kmeans --input X.npy --k K --output labels.npy' });
  if (values.help) {
    process.stdout.write(`${KMEANS_HELP}\n`);
    return 0;
  }
  for (const name of ['input', 'k', 'output'] as const)
    if (values[name] === undefined) throw new LookalikeError('BAD_ARGUMENT', `--${name} is required; see lookalike kmeans --help`);
  const seed = intOption(values.seed, 'seed', 1, 0, 2 ** 32);
  const maxIterations = intOption(values['max-iterations'], 'max-iterations', 300, 1, 100_000);
  const tolerance = numberOption(values.tolerance, 'tolerance', KMEANS_TOLERANCE, 0, 1);
  const threads = intOption(values.threads, 'threads', 0, 0, 1024);
  const device = choice(values.device, 'device', ['auto', 'cpu', 'cuda'] as const);
  intOption(values.k, 'k', 0, 1);
  const input = String(values.input);

  const X = readMatrix(input);
  if (X.rows === 0 || X.cols === 0) throw new LookalikeError('BAD_FILE', `${input}: the matrix is empty (${X.rows} x ${X.cols})`);
  const k = intOption(values.k, 'k', 0, 1, X.rows);
  const bad = X.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new LookalikeError('BAD_FILE', `${input}: row ${Math.floor(bad / X.cols)}, column ${bad % X.cols} is ${X.data[bad]}; k-means needs finite values`);

  const started = performance.now();
  const result = kmeans(X.data, X.rows, X.cols, k, { seed, maxIterations, tolerance, threads, device });
  const seconds = (performance.now() - started) / 1000;
  writeNpy(String(values.output), result.labels, [X.rows]);
  if (values.centroids !== undefined) writeNpy(String(values.centroids), result.centroids, [k, X.cols]);

  const summary = {
    rows: X.rows, columns: X.cols, k, device: result.device, iterations: result.iterations, inertia: result.inertia, seconds,
    labels: String(values.output), centroids: values.centroids === undefined ? null : String(values.centroids),
  };
  process.stdout.write(values.json
    ? `${JSON.stringify(summary)}\n`
    : `${X.rows} rows of ${X.cols} values in ${k} clusters: inertia ${result.inertia.toPrecision(6)} after ${result.iterations} iterations (${seconds.toFixed(2)} s on ${result.device})\nlabels written to ${summary.labels}${summary.centroids === null ? '' : `, centroids to ${summary.centroids}`}\n`);
  return 0;
}
