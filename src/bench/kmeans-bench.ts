/**
 * k-means against scikit-learn's KMeans (k-means++, n_init=1, all cores), side by side on
 * the same matrices: the full vectors and PCA projections of them, for each k. Each side
 * runs in a process of its own (time excludes loading; peak RSS is that process's). Both
 * labellings are scored the same way: within-cluster sum of squares in the clustered space
 * and in the full space, and the adjusted Rand index against the class labels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { intOption, numberOption } from '../cli/args.js';
import { LookalikeError, errorMessage } from '../core/errors.js';
import { adjustedRandIndex, withinClusterSumOfSquares } from '../evaluation/clustering.js';
import { KMEANS_TOLERANCE } from '../native/kmeans.js';
import { pcaProject } from '../native/pca.js';
import { readInt32Vector, readMatrix, readNpy, writeNpy, type Matrix } from '../npy/npy.js';
import { runJson } from './child.js';

export const KMEANS_BENCH_HELP = `Options (kmeans):
  --vectors FILE     vectors, .npy n x d (default /tmp/vec/cifar50k.npy)
  --labels FILE      their class labels, .npy int32 (default /tmp/vec/cifar50k-labels.npy)
  --ks LIST          cluster counts, comma-separated (default 10,100)
  --inputs LIST      full and pcaN (our PCA to N components), comma-separated (default full,pca256,pca50)
  --no-reference     skip scikit-learn
  --repeat N         run each side N times, one after the other, and keep the fastest (default 1)
  --threads N        our threads (default 0: all cores, as scikit-learn)
  --tolerance X      our stopping tolerance (default: the kernel's, ${KMEANS_TOLERANCE})
  --json             print the results as JSON`;

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = '/usr/bin/python3';
/** The issue's target, for each input and k: this many times faster, at most this inertia ratio. */
const TARGET = { speedup: 10, inertiaRatio: 1.005 };

interface RunResult {
  seconds: number;
  inertia: number;
  iterations: number;
  peakRssMB: number;
}

interface Scored extends RunResult {
  /** Within-cluster sum of squares of the labels in the clustered space, and in the full one. */
  wcss: number;
  fullWcss: number;
  ari: number;
}

interface Row {
  input: string;
  dims: number;
  /** Seconds to compute the input (PCA); 0 for the full vectors. */
  inputSeconds: number;
  k: number;
  ours: Scored;
  reference: Scored | null;
}

interface Options {
  vectors: string;
  labels: string;
  ks: number[];
  inputs: string[];
  reference: boolean;
  repeat: number;
  threads: number;
  tolerance: number;
  json: boolean;
}

export async function kmeansBench(argv: string[]): Promise<void> {
  const opts = parseOptions(argv);
  const full = readMatrix(opts.vectors);
  const classes = readInt32Vector(opts.labels);
  if (classes.length !== full.rows)
    throw new LookalikeError('BAD_ARGUMENT', `${opts.labels} holds ${classes.length} labels for ${full.rows} vectors`);
  const tmp = mkdtempSync(join(tmpdir(), 'lookalike-kmeans-bench-'));
  try {
    const rows: Row[] = [];
    for (const input of opts.inputs) {
      const { X, path, seconds: inputSeconds } = prepare(input, full, opts.vectors, tmp);
      for (const k of opts.ks) {
        const score = (run: RunResult, labelsPath: string): Scored => {
          const labels = readNpy(labelsPath).data as Int32Array;
          const wcss = withinClusterSumOfSquares(X.data, X.rows, X.cols, labels);
          const fullWcss = X === full ? wcss : withinClusterSumOfSquares(full.data, full.rows, full.cols, labels);
          return { ...run, wcss, fullWcss, ari: adjustedRandIndex(labels, classes) };
        };
        const oursLabels = join(tmp, `ours-${input}-${k}.npy`);
        const refLabels = join(tmp, `sklearn-${input}-${k}.npy`);
        const childArgs = [fileURLToPath(new URL('kmeans-child.js', import.meta.url)), path, String(k), oursLabels, String(opts.threads), String(opts.tolerance)];
        const refArgs = [join(REPO, 'src/bench/sklearn_kmeans.py'), path, String(k), refLabels];
        // Both sides are deterministic: repeats differ in time only. They alternate, so a
        // burst of load on the shared machine does not fall on one side alone.
        let oursRun: RunResult | undefined;
        let refRun: RunResult | undefined;
        for (let r = 0; r < opts.repeat; r++) {
          log(`${input}, k = ${k}: ours${opts.repeat > 1 ? ` (${r + 1}/${opts.repeat})` : ''}`);
          oursRun = fastest(oursRun, await runJson<RunResult>(process.execPath, childArgs));
          if (!opts.reference) continue;
          log(`${input}, k = ${k}: scikit-learn${opts.repeat > 1 ? ` (${r + 1}/${opts.repeat})` : ''}`);
          refRun = fastest(refRun, await runJson<RunResult>(PYTHON, refArgs));
        }
        const ours = score(oursRun!, oursLabels);
        const reference = refRun ? score(refRun, refLabels) : null;
        rows.push({ input, dims: X.cols, inputSeconds, k, ours, reference });
      }
    }
    process.stdout.write(opts.json ? `${JSON.stringify(report(opts, full, rows), null, 2)}\n` : table(opts, full, rows));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The matrix an input names, and a .npy path of it for the child processes. */
function prepare(input: string, full: Matrix, fullPath: string, tmp: string): { X: Matrix; path: string; seconds: number } {
  if (input === 'full') return { X: full, path: fullPath, seconds: 0 };
  const components = Number(input.slice(3));
  log(`PCA to ${components} components`);
  const start = performance.now();
  const { scores } = pcaProject(full.data, full.rows, full.cols, { components });
  const seconds = (performance.now() - start) / 1000;
  const path = join(tmp, `${input}.npy`);
  writeNpy(path, scores, [full.rows, components]);
  return { X: { data: scores, rows: full.rows, cols: components }, path, seconds };
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        vectors: { type: 'string' }, labels: { type: 'string' }, ks: { type: 'string' }, inputs: { type: 'string' },
        'no-reference': { type: 'boolean' }, repeat: { type: 'string' }, threads: { type: 'string' }, tolerance: { type: 'string' }, json: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new LookalikeError('BAD_ARGUMENT', errorMessage(err));
  }
  const inputs = (values.inputs ?? 'full,pca256,pca50').split(',');
  for (const input of inputs)
    if (input !== 'full' && !/^pca[1-9]\d*$/.test(input))
      throw new LookalikeError('BAD_ARGUMENT', `--inputs takes full or pcaN (e.g. pca256), got "${input}"`);
  return {
    vectors: resolve(values.vectors ?? '/tmp/vec/cifar50k.npy'),
    labels: resolve(values.labels ?? '/tmp/vec/cifar50k-labels.npy'),
    ks: (values.ks ?? '10,100').split(',').map((s) => intOption(s, 'ks', 0, 1)),
    inputs,
    reference: values['no-reference'] !== true,
    repeat: intOption(values.repeat, 'repeat', 1, 1, 100),
    threads: intOption(values.threads, 'threads', 0, 0, 1024),
    tolerance: numberOption(values.tolerance, 'tolerance', KMEANS_TOLERANCE, 0, 1),
    json: values.json === true,
  };
}

function fastest(a: RunResult | undefined, b: RunResult): RunResult {
  return a === undefined || b.seconds < a.seconds ? b : a;
}

function verdict(row: Row): { speedup: number; inertiaRatio: number; met: boolean } | null {
  if (!row.reference) return null;
  const speedup = row.reference.seconds / row.ours.seconds;
  const inertiaRatio = row.ours.wcss / row.reference.wcss;
  return { speedup, inertiaRatio, met: speedup >= TARGET.speedup && inertiaRatio <= TARGET.inertiaRatio };
}

function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` };
}

function report(opts: Options, full: Matrix, rows: Row[]) {
  return {
    machine: machine(), vectors: opts.vectors, rows: full.rows, dims: full.cols, target: TARGET,
    results: rows.map((r) => ({ ...r, verdict: verdict(r) })),
  };
}

function table(opts: Options, full: Matrix, rows: Row[]): string {
  const m = machine();
  const f = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));
  const grid = (cells: string[][]) => {
    const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
    const line = (row: string[]) => row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
    return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.slice(1).map(line)];
  };
  const versus = grid([
    ['input', 'k', 'sklearn s', 'ours s', 'speed-up', 'sklearn iters', 'ours iters', 'sklearn WCSS', 'ours WCSS', 'WCSS ours/sk', 'sklearn ARI', 'ours ARI', 'sklearn RSS MB', 'ours RSS MB', 'target'],
    ...rows.map((r) => {
      const v = verdict(r);
      return [
        `${r.input} (${r.dims}-d)`, String(r.k), f(r.reference?.seconds, 2), f(r.ours.seconds, 2), v ? `${v.speedup.toFixed(1)}×` : '-',
        String(r.reference?.iterations ?? '-'), String(r.ours.iterations), f(r.reference?.wcss, 2), f(r.ours.wcss, 2),
        v ? v.inertiaRatio.toFixed(4) : '-', f(r.reference?.ari, 3), f(r.ours.ari, 3), f(r.reference?.peakRssMB, 0), f(r.ours.peakRssMB, 0),
        v ? (v.met ? 'PASS' : 'MISS') : '-',
      ];
    }),
  ]);
  const perInput = grid([
    ['input', 'k', 'PCA s', 'k-means s', 'total s', 'WCSS in the full space', 'vs full', 'ARI vs classes'],
    ...rows.map((r) => {
      const base = rows.find((b) => b.input === 'full' && b.k === r.k);
      return [
        `${r.input} (${r.dims}-d)`, String(r.k), f(r.inputSeconds, 2), f(r.ours.seconds, 2), f(r.inputSeconds + r.ours.seconds, 2),
        f(r.ours.fullWcss, 2), base ? (r.ours.fullWcss / base.ours.fullWcss).toFixed(4) : '-', f(r.ours.ari, 3),
      ];
    }),
  ]);
  return `${[
    `k-means benchmark: ${full.rows} x ${full.cols} vectors from ${opts.vectors}; class labels ${opts.labels}`,
    `Machine: ${m.cpu}, ${m.cores} cores; Node ${m.node} (${m.platform})`,
    `Ours: lookalike kmeans (seed 1, tolerance ${opts.tolerance}, ${opts.threads === 0 ? 'all cores' : `${opts.threads} threads`}). Reference: scikit-learn KMeans(k-means++, n_init=1, random_state=0), all cores.`,
    `Seconds: the fit alone, in a process of its own${opts.repeat > 1 ? `, fastest of ${opts.repeat} alternating runs` : ''}. WCSS: within-cluster sum of squares of the labels in the clustered space.`,
    // The two stopping rules differ, so the iteration counts do too: the WCSS ratio shows what stopping earlier costs.
    `Stopping: ours when an iteration lowers the inertia by at most ${opts.tolerance} of it; scikit-learn (tol 1e-4) when the centroids' summed squared shift is at most 1e-4 x the mean column variance, or no label changes.`,
    '',
    ...versus,
    '',
    `Target: at least ${TARGET.speedup}× faster at a WCSS no more than ${((TARGET.inertiaRatio - 1) * 100).toFixed(1)} % above scikit-learn's, on each input and k.`,
    '',
    'Ours on each input, judged in the full space (PCA time included in the total):',
    ...perInput,
  ].join('\n')}\n`;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
