/**
 * t-SNE speed and quality: `tsne()` against scikit-learn's TSNE on the same CIFAR-10 CNN
 * vectors, side by side, with the exact KL divergence under one P for both embeddings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LookalikeError } from '../core/errors.js';
import { intOption } from '../cli/args.js';
import { knn } from '../native/knn.js';
import { pcaProject } from '../native/pca.js';
import { klDivergenceExact, knnLabelAgreement, trustworthiness } from '../native/quality.js';
import { affinities } from '../native/tsne.js';
import { readInt32Vector, readMatrix, writeNpy, type Matrix } from '../npy/npy.js';
import { runJson } from './child.js';
import { cifarVectors } from './cifar-vectors.js';
import type { TsneChildResult } from './tsne-child.js';

export const TSNE_BENCH_HELP = `Options (tsne):
  --sizes LIST        numbers of points, comma-separated (default 10000,50000): an evenly
                      strided subset of the vectors, so every class keeps its share
  --vectors FILE.npy  n x d vectors (default: the CIFAR-10 training set's, indexed once
                      into .cache/bench and reused)
  --labels FILE.npy   int32 labels of those rows (required with --vectors)
  --no-reference      skip scikit-learn
  --python PATH       the Python with scikit-learn (default /usr/bin/python3)
  --queries N         rows on which trustworthiness is measured (default 5000)
  --json              print the results as JSON`;

interface Quality {
  kl: number;
  trustworthiness: number;
  labelAgreement: number;
}

interface Side {
  seconds: Record<string, number>;
  peakRssMB: number;
  quality: Quality;
}

interface SizeResult {
  n: number;
  dims: number;
  ours: Side & { knnMethod: string };
  reference: (Side & { version: string; iterations: number }) | null;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(REPO, '.cache', 'bench');
const TARGET_SECONDS_50K = 10;

export async function tsneBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' }, vectors: { type: 'string' }, labels: { type: 'string' }, 'no-reference': { type: 'boolean' },
      python: { type: 'string' }, queries: { type: 'string' }, dataset: { type: 'string' }, json: { type: 'boolean' },
    },
    strict: true,
  });
  const sizes = (values.sizes ?? '10000,50000').split(',').map((s) => intOption(s, 'sizes', 0, 4));
  const queries = intOption(values.queries, 'queries', 5000, 10);
  const data = await loadData(values.vectors, values.labels, values.dataset);
  const tmp = await mkdtemp(join(tmpdir(), 'lookalike-tsne-bench-'));
  const results: SizeResult[] = [];
  try {
    for (const n of sizes) {
      if (n > data.vectors.rows) throw new LookalikeError('BAD_ARGUMENT', `--sizes ${n}: only ${data.vectors.rows} vectors`);
      results.push(await benchSize(n, data, tmp, { reference: !values['no-reference'], python: values.python ?? '/usr/bin/python3', queries }));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else printTable(results);
}

async function loadData(vectors?: string, labels?: string, dataset?: string): Promise<{ vectors: Matrix; labels: Int32Array }> {
  if (vectors) {
    if (!labels) throw new LookalikeError('BAD_ARGUMENT', '--vectors needs --labels');
    return { vectors: readMatrix(vectors), labels: readInt32Vector(labels) };
  }
  const archive = dataset ?? join(REPO, '../shared/datasets/cifar10-train.tar.gz');
  return cifarVectors(archive, CACHE, join(REPO, 'dist/cli.js'));
}

/** Every (N / n)-th row: classes stay balanced when rows are grouped by class. */
function strided(m: Matrix, labels: Int32Array, n: number): { X: Float32Array; labels: Int32Array } {
  const X = new Float32Array(n * m.cols);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = Math.floor((i * m.rows) / n);
    X.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), i * m.cols);
    out[i] = labels[row]!;
  }
  return { X, labels: out };
}

async function benchSize(
  n: number, data: { vectors: Matrix; labels: Int32Array }, tmp: string,
  options: { reference: boolean; python: string; queries: number },
): Promise<SizeResult> {
  const d = data.vectors.cols;
  const { X, labels } = strided(data.vectors, data.labels, n);
  const input = join(tmp, `x-${n}.npy`);
  writeNpy(input, X, [n, d]);
  process.stderr.write(`n = ${n}: ours…\n`);
  const ours = await runJson<TsneChildResult>(process.execPath, [join(REPO, 'dist/bench/tsne-child.js'), '--input', input, '--output', join(tmp, `ours-${n}.npy`)]);

  // One P for both embeddings, the one our pipeline builds: PCA-50, exact kNN, perplexity 30.
  const pca = pcaProject(X, n, d, { components: Math.min(50, d) });
  const dims = Math.min(50, d);
  const nn = knn(pca.scores, n, dims, 90, { method: 'exact' });
  const P = affinities(nn.indices, nn.distances, n, 90, 30);
  const stride = Math.max(1, Math.floor(n / options.queries));
  const sample = Int32Array.from({ length: Math.ceil(n / stride) }, (_, i) => i * stride);
  const quality = (Y: Float32Array): Quality => ({
    kl: klDivergenceExact(P, Y),
    trustworthiness: trustworthiness(pca.scores, n, dims, Y, 10, { queries: sample }),
    labelAgreement: knnLabelAgreement(Y, labels, 10),
  });
  const oursY = readMatrix(join(tmp, `ours-${n}.npy`)).data;
  const result: SizeResult = {
    n, dims: d,
    ours: { seconds: ours.seconds, peakRssMB: ours.peakRssMB, knnMethod: ours.knnMethod, quality: quality(oursY) },
    reference: null,
  };
  if (options.reference) {
    // scikit-learn gets the PCA-50 scores (its own kNN on 1632-d would take far longer):
    // its timing leaves the PCA out, ours keeps it in.
    const pcaInput = join(tmp, `pca-${n}.npy`);
    writeNpy(pcaInput, pca.scores, [n, dims]);
    process.stderr.write(`n = ${n}: scikit-learn (minutes)…\n`);
    const script = join(REPO, 'src/bench/sklearn_tsne.py');
    const ref = await runJson<{ seconds: number; iterations: number; sklearnVersion: string; peakRssMb: number }>(
      options.python, [script, pcaInput, join(tmp, `ref-${n}.npy`)],
    );
    const refY = readMatrix(join(tmp, `ref-${n}.npy`)).data;
    result.reference = {
      seconds: { total: ref.seconds }, peakRssMB: ref.peakRssMb, version: ref.sklearnVersion, iterations: ref.iterations, quality: quality(refY),
    };
  }
  return result;
}

function printTable(results: SizeResult[]): void {
  const f = (x: number | undefined, digits: number): string => (x === undefined ? '-' : x.toFixed(digits));
  const rows: string[][] = [['n', 'impl', 'pca s', 'knn s', 'P s', 'optimise s', 'total s', 'time ratio', 'exact KL', 'KL vs ref', 'trust@10', '10-NN label agr.', 'peak RSS MB']];
  for (const r of results) {
    const o = r.ours;
    const ref = r.reference;
    rows.push([
      String(r.n), `lookalike (${o.knnMethod} kNN)`, f(o.seconds.pca, 2), f(o.seconds.knn, 2), f(o.seconds.affinities, 2), f(o.seconds.optimize, 2),
      f(o.seconds.total, 2), '1.00', f(o.quality.kl, 4), ref ? `${f((100 * (o.quality.kl - ref.quality.kl)) / ref.quality.kl, 2)} %` : '-',
      f(o.quality.trustworthiness, 4), f(o.quality.labelAgreement, 4), f(o.peakRssMB, 0),
    ]);
    if (ref)
      rows.push([
        String(r.n), `scikit-learn ${ref.version} (${ref.iterations} it.)`, '(input)', '-', '-', '-', f(ref.seconds.total, 2),
        f(ref.seconds.total! / o.seconds.total!, 1), f(ref.quality.kl, 4), '', f(ref.quality.trustworthiness, 4), f(ref.quality.labelAgreement, 4), f(ref.peakRssMB, 0),
      ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
  const big = results.find((r) => r.n === 50_000);
  if (big)
    process.stdout.write(
      `\ntarget at 50,000: <= ${TARGET_SECONDS_50K} s (${big.ours.seconds.total! <= TARGET_SECONDS_50K ? 'met' : 'missed'}: ${f(big.ours.seconds.total, 2)} s), peak RSS <= 1024 MB (${big.ours.peakRssMB <= 1024 ? 'met' : 'missed'})` +
        (big.reference ? `, KL <= scikit-learn's + 1% (${big.ours.quality.kl <= big.reference.quality.kl * 1.01 ? 'met' : 'missed'})` : '') + '\n',
    );
  process.stdout.write('time ratio: the reference\'s total time / ours. Ours includes the PCA from the full vectors; scikit-learn is given the PCA-50 scores.\n');
}
