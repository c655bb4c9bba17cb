/**
 * Placing vectors that are not in the map (uploads, images indexed since the build): a
 * similarity-weighted average of the nearest mapped neighbours' positions (the first
 * placement, kept here as the reference) against place.ts, the openTSNE-style transform
 * (median start, then gradient descent on the point's own t-SNE cost, the map fixed). A map
 * of `--train` random CIFAR-10 vectors is built with tsne(); `--held-out` others are placed
 * from the same cosine neighbours; the score is the share of each placed point's 10 nearest
 * map points that have its class, beside the same share for the mapped points themselves.
 */
import { parseArgs } from 'node:util';
import usearch from 'usearch';
import { intOption } from '../cli/args.js';
import { LookalikeError, errorMessage } from '../core/errors.js';
import { seededRandom } from '../evaluation/split.js';
import { PLACE_STEPS, placeFromNeighbours, type PlacedNeighbour } from '../mapping/place.js';
import { PLACE_NEIGHBOURS } from '../mapping/place-unmapped.js';
import { tsne } from '../mapping/tsne.js';
import { readInt32Vector, readMatrix } from '../npy/npy.js';

export const PLACE_BENCH_HELP = `Options (place):
  --vectors FILE     vectors, .npy n x d (default /tmp/vec/cifar50k.npy)
  --labels FILE      their class labels, .npy int32 (default /tmp/vec/cifar50k-labels.npy)
  --train N          vectors in the map (default 20000)
  --held-out N       vectors placed on it (default 1000)
  --iterations N     gradient steps of the transform (default ${PLACE_STEPS}, place.ts's)
  --threads N        threads (default 0: all cores)
  --json             print the results as JSON`;

/** The reference: weights exp((score - best) / 0.05) over the 10 nearest. */
function weightedAverage(neighbours: readonly PlacedNeighbour[]): [number, number] {
  const best = Math.max(...neighbours.map((n) => n.score));
  let sw = 0, sx = 0, sy = 0;
  for (const n of neighbours.slice(0, 10)) {
    const w = Math.exp((n.score - best) / 0.05);
    [sw, sx, sy] = [sw + w, sx + w * n.x, sy + w * n.y];
  }
  return [sx / sw, sy / sw];
}

export async function placeBench(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: {
      vectors: { type: 'string' }, labels: { type: 'string' }, train: { type: 'string' }, 'held-out': { type: 'string' },
      iterations: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' },
    } }));
  } catch (err) {
    throw new LookalikeError('BAD_ARGUMENT', errorMessage(err));
  }
  const X = readMatrix(String(values.vectors ?? '/tmp/vec/cifar50k.npy'));
  const labels = readInt32Vector(String(values.labels ?? '/tmp/vec/cifar50k-labels.npy'));
  const train = intOption(values.train, 'train', 20_000, 100, X.rows - 1);
  const held = intOption(values['held-out'], 'held-out', 1000, 1, X.rows - train);
  const iterations = intOption(values.iterations, 'iterations', PLACE_STEPS, 0, 10_000);
  const threads = intOption(values.threads, 'threads', 0, 0, 1024);
  const d = X.cols;

  const order = shuffled(X.rows, 1);
  const rows = (from: number, to: number) => {
    const out = new Float32Array((to - from) * d);
    for (let i = from; i < to; i++) out.set(X.data.subarray(order[i]! * d, (order[i]! + 1) * d), (i - from) * d);
    return out;
  };
  const trainX = rows(0, train);
  const heldX = rows(train, train + held);
  const label = (i: number): number => labels[order[i]!]!;

  let t = performance.now();
  const map = await tsne(trainX, { dims: d, seed: 1, threads });
  const mapSeconds = (performance.now() - t) / 1000;
  const k = Math.max(PLACE_NEIGHBOURS, 10);
  const found = usearch.exactSearch(trainX, heldX, d, k, usearch.MetricKind.Cos, threads) as unknown as { keys: BigUint64Array; distances: Float32Array };

  const positions = { x: Float32Array.from({ length: train }, (_, i) => map[2 * i]!), y: Float32Array.from({ length: train }, (_, i) => map[2 * i + 1]!) };
  const agreement = (place: (neighbours: PlacedNeighbour[]) => [number, number]): { agreement: number; seconds: number } => {
    const start = performance.now();
    let sum = 0;
    for (let q = 0; q < held; q++) {
      const neighbours = Array.from({ length: k }, (_, j) => {
        const i = Number(found.keys[q * k + j]!);
        return { x: map[2 * i]!, y: map[2 * i + 1]!, score: 1 - found.distances[q * k + j]! };
      });
      const [x, y] = place(neighbours);
      sum += mapAgreement(map, train, x, y, -1, (j) => label(j), label(train + q));
    }
    return { agreement: sum / held, seconds: (performance.now() - start) / 1000 };
  };

  const average = agreement(weightedAverage);
  const transform = (steps: number) => agreement((neighbours) => {
    const p = placeFromNeighbours(neighbours.slice(0, PLACE_NEIGHBOURS), steps > 0 ? positions : undefined, steps);
    return [p.x, p.y];
  });
  const median = transform(0);
  const optimised = transform(iterations);
  const halfway = transform(Math.floor(iterations / 2));
  let mapped = 0;
  const sample = Math.min(train, 2000);
  for (let i = 0; i < sample; i++) mapped += mapAgreement(map, train, map[2 * i]!, map[2 * i + 1]!, i, (j) => label(j), label(i)) / sample;

  const result = {
    train, held, dims: d, mapSeconds,
    mappedPoints: mapped,
    weightedAverage: average,
    medianStart: median,
    [`steps${Math.floor(iterations / 2)}`]: halfway,
    [`steps${iterations}`]: optimised,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const f = (r: { agreement: number; seconds: number }) => `${r.agreement.toFixed(4)} (${(1000 * r.seconds / held).toFixed(2)} ms each)`;
    process.stdout.write([
      `place: ${held} held-out CIFAR-10 vectors on a t-SNE map of ${train} (built in ${mapSeconds.toFixed(1)} s); share of the 10 nearest map points of the same class`,
      `  mapped points themselves     ${mapped.toFixed(4)}`,
      `  weighted average of 10       ${f(average)}`,
      `  place.ts: median start       ${f(median)}`,
      `  place.ts: ${Math.floor(iterations / 2)} steps          ${f(halfway)}`,
      `  place.ts: ${iterations} steps          ${f(optimised)}`,
    ].join('\n') + '\n');
  }
}

/** Share of the 10 map points nearest (x, y), `self` excluded, whose label is `want`. */
function mapAgreement(map: Float32Array, n: number, x: number, y: number, self: number, labelOf: (i: number) => number, want: number): number {
  const best: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (i === self) continue;
    const s = (map[2 * i]! - x) ** 2 + (map[2 * i + 1]! - y) ** 2;
    if (best.length === 10 && s >= best[9]![0]) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]![0] > s) at--;
    best.splice(at, 0, [s, i]);
    if (best.length > 10) best.pop();
  }
  return best.filter(([, i]) => labelOf(i) === want).length / best.length;
}

function shuffled(n: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
