/**
 * Indexing throughput and peak memory: `lookalike index` (one process) against TF.js-wasm
 * on the same graph (one process per core), per input size, on the first N archive images.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LookalikeError, errorMessage } from '../core/errors.js';
import { FEATURE_SPEC, defaultBatchSize, loadImageModel } from '../embed/model.js';
import { intOption } from '../cli/args.js';
import { runJson } from './child.js';
import { firstImages } from './dataset.js';

export const INDEX_BENCH_HELP = `Options (index):
  --limit N          the first N images of the archive, in tar order (default 5000)
  --sizes LIST       input sizes in pixels, comma-separated (default 224,128)
  --batch N          images per inference batch, both sides (default: the indexer's, by size)
  --no-reference     skip the TF.js-wasm reference
  --dataset PATH     archive of JPEGs (default ../shared/datasets/cifar10-train.tar.gz)
  --json             print the results as JSON`;

/** What each child prints: seconds is the timed section, loading excluded (loadSeconds). */
export interface ChildResult {
  images: number;
  seconds: number;
  loadSeconds: number;
  imagesPerSecond: number;
  peakRssMB: number;
}

export interface ReferenceResult extends ChildResult {
  simd: boolean;
  threads: number;
}

/** All reference children together: seconds of the slowest, RSS summed. */
interface ReferenceTotal extends ReferenceResult {
  processes: number;
}

interface SizeResult {
  size: number;
  batch: number;
  ours: ChildResult;
  reference: ReferenceTotal | null;
}

/** The issue's targets, on 2 cores. */
const TARGETS: Record<number, number> = { 224: 100, 128: 250 };

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(REPO, '.cache', 'bench');

interface Options {
  limit: number;
  sizes: number[];
  /** undefined: the indexer's default for each size. */
  batch: number | undefined;
  reference: boolean;
  dataset: string;
  json: boolean;
}

export async function indexBench(argv: string[]): Promise<void> {
  const opts = parseOptions(argv);
  log(`images: the first ${opts.limit} of ${opts.dataset}`);
  const { root, files } = await firstImages(opts.dataset, opts.limit, CACHE);
  const modelCache = join(CACHE, 'models');
  log('model: converting once if not cached');
  await (await loadImageModel(FEATURE_SPEC, { cacheDir: modelCache, threads: 1, executionProvider: 'cpu' })).close();

  const results: SizeResult[] = [];
  for (const size of opts.sizes) {
    log(`${size} px: ours`);
    const batch = opts.batch ?? defaultBatchSize({ inputSize: size, flip: false });
    const ours = await runChild<ChildResult>('index-child.js', ['--root', root, '--size', String(size), '--batch', String(batch), '--cache-dir', modelCache]);
    let reference: ReferenceTotal | null = null;
    if (opts.reference) {
      log(`${size} px: reference, ${cpus().length} processes`);
      reference = await runReference(files, size, batch);
    }
    results.push({ size, batch, ours, reference });
  }
  process.stdout.write(opts.json ? `${JSON.stringify(report(opts, results), null, 2)}\n` : table(opts, results));
}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        limit: { type: 'string' }, sizes: { type: 'string' }, batch: { type: 'string' },
        'no-reference': { type: 'boolean' }, dataset: { type: 'string' }, json: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new LookalikeError('BAD_ARGUMENT', errorMessage(err));
  }
  return {
    limit: intOption(values.limit, 'limit', 5000, 1, 50_000),
    sizes: (values.sizes ?? '224,128').split(',').map((s) => intOption(s, 'sizes', 0, 32, 1024)),
    batch: values.batch === undefined ? undefined : intOption(values.batch, 'batch', 0, 1, 1024),
    reference: values['no-reference'] !== true,
    dataset: values.dataset === undefined ? join(REPO, '..', 'shared', 'datasets', 'cifar10-train.tar.gz') : resolve(values.dataset),
    json: values.json === true,
  };
}

/** One child per core, all at once, on disjoint slices that differ by at most one image. */
async function runReference(files: string[], size: number, batch: number): Promise<ReferenceTotal> {
  const n = cpus().length;
  const slices = Array.from({ length: n }, (_, i) => files.slice(Math.floor((i * files.length) / n), Math.floor(((i + 1) * files.length) / n)))
    .filter((s) => s.length > 0);
  const tmp = await mkdtemp(join(tmpdir(), 'lookalike-bench-'));
  try {
    const children = await Promise.all(slices.map(async (slice, i) => {
      const list = join(tmp, `slice-${i}.json`);
      await writeFile(list, JSON.stringify(slice));
      return runChild<ReferenceResult>('tfjs-child.js', ['--list', list, '--size', String(size), '--batch', String(batch)]);
    }));
    const images = children.reduce((a, c) => a + c.images, 0);
    const seconds = Math.max(...children.map((c) => c.seconds));
    return {
      images, seconds, imagesPerSecond: images / seconds,
      loadSeconds: Math.max(...children.map((c) => c.loadSeconds)),
      peakRssMB: children.reduce((a, c) => a + c.peakRssMB, 0),
      simd: children.every((c) => c.simd), threads: children[0]!.threads, processes: children.length,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Runs a sibling entry point in its own process and parses the JSON line it prints last. */
function runChild<T>(script: string, args: string[]): Promise<T> {
  return runJson<T>(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args]);
}

function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` };
}

function targets(results: SizeResult[]) {
  return results.filter((r) => TARGETS[r.size] !== undefined).map((r) => ({
    size: r.size, minImagesPerSecond: TARGETS[r.size]!, imagesPerSecond: r.ours.imagesPerSecond, met: r.ours.imagesPerSecond >= TARGETS[r.size]!,
  }));
}

function report(opts: Options, results: SizeResult[]) {
  return {
    machine: machine(), dataset: opts.dataset, images: opts.limit,
    reference: opts.reference ? `TF.js ${tfjsVersion()} wasm backend, one process per core` : null,
    results, targets: targets(results),
  };
}

function table(opts: Options, results: SizeResult[]): string {
  const m = machine();
  const ref = results.find((r) => r.reference)?.reference;
  const fixed = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));
  const rows = [
    ['size', 'batch', 'ours images/s', 'ref images/s', 'ours/ref', 'ours s', 'ref s', 'ours peak RSS MB', 'ref peak RSS MB (sum)'],
    ...results.map(({ size, batch, ours, reference: r }) => [
      String(size), String(batch), fixed(ours.imagesPerSecond, 1), fixed(r?.imagesPerSecond, 1),
      r ? `${(ours.imagesPerSecond / r.imagesPerSecond).toFixed(2)}×` : '-',
      fixed(ours.seconds, 2), fixed(r?.seconds, 2), fixed(ours.peakRssMB, 0), fixed(r?.peakRssMB, 0),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
  const out = [
    `Index benchmark: the first ${opts.limit} images of ${basename(opts.dataset)}`,
    `Machine: ${m.cpu}, ${m.cores} cores; Node ${m.node} (${m.platform})`,
    `Ours: lookalike index in one process (onnxruntime, ${m.cores} single-threaded sessions), into a fresh database.`,
    ref ? `Reference: TF.js ${tfjsVersion()} wasm (${ref.simd ? 'SIMD' : 'no SIMD'}, ${ref.threads} thread) × ${ref.processes} processes on disjoint slices; decode with our decodeForModel, no storage.` : 'Reference: skipped.',
    '',
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...rows.slice(1).map(line),
    '',
    `Model load, not in the times above: ${results.map((r) => `${r.size} px ours ${r.ours.loadSeconds.toFixed(1)} s${r.reference ? `, ref ${r.reference.loadSeconds.toFixed(1)} s (with its first run)` : ''}`).join('; ')}.`,
  ];
  const freed = results.filter((r) => r.reference && r.size !== FEATURE_SPEC.preprocessing.inputSize).map((r) => `${r.size} px`);
  if (freed.length > 0) {
    out.push(`Reference at ${freed.join(', ')}: the graph's fixed 7×7 AvgPool does not fit the final map, so it reads MobilenetV2/Conv_1/Relu6 and takes tf.mean over H and W, as our converted model's global pooling does.`);
  }
  const t = targets(results);
  if (t.length > 0) {
    const note = m.cores === 2 ? '' : ` (the targets are for 2 cores; this machine has ${m.cores})`;
    out.push(`Targets${note}: ${t.map((x) => `${x.size} px ≥ ${x.minImagesPerSecond} images/s: ${x.imagesPerSecond.toFixed(1)} ${x.met ? 'PASS' : 'MISS'}`).join('; ')}`);
  }
  return `${out.join('\n')}\n`;
}

function tfjsVersion(): string {
  return (createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
