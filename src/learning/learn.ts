import { LookalikeError } from '../core/errors.js';
import { evaluate, type LabelledVector } from '../evaluation/evaluate.js';
import { splitBySeed } from '../evaluation/split.js';
import { GramEngine } from './gram.js';
import type { Head } from './head.js';
import { applyHeadToAll } from './head-engine.js';
import { discriminants, scatter, type TrainingSet } from './lda.js';
import { trainMlp } from './mlp.js';

/** Tried in every run; held-out precision@10 picks the kind and its settings. */
const SHRINKAGES = [1e-3, 1e-2, 1e-1, 1];
// A larger raw weight never won on CIFAR-10 or the tuxpaint stamps; each weight costs a scoring pass.
const RAW_WEIGHTS = [0, 0.3];
// Measured on CIFAR-10 (45,000 vectors): stronger decay and fewer epochs overfit less (P@10 0.575 → 0.647).
const MLP = { hidden: 256, epochs: 8, batch: 256, learningRate: 0.01, weightDecay: 5e-3 };
/** Validation is an estimate: these caps keep it to seconds at 50,000 vectors. */
const MAX_VALIDATION_QUERIES = 500;
const MAX_VALIDATION_GALLERY = 10_000;

export interface LearnOptions {
  seed: number;
  threads: number;
  onStage?: (message: string) => void;
}

export interface LearnResult {
  head: Head;
  labels: string[];
  /** Labels left out for having a single image. */
  skippedLabels: string[];
  trainedOn: number;
  validation: { queries: number; rawPrecisionAt10: number; headPrecisionAt10: number; kind: Head['kind']; shrinkage: number | null; rawWeight: number };
}

type Candidate = { kind: 'lda'; shrinkage: number; rawWeight: number } | { kind: 'mlp'; rawWeight: number };

/**
 * Fits a head on labelled vectors: a fifth is held out; linear discriminants (each shrinkage,
 * each raw-vector weight) and a one-hidden-layer MLP are scored by precision@10 on it, and
 * the best is refitted on all.
 */
export async function learnHead(items: LabelledVector[], opts: LearnOptions): Promise<LearnResult> {
  const byLabel = new Map<string, number>();
  for (const it of items) byLabel.set(it.label, (byLabel.get(it.label) ?? 0) + 1);
  const skippedLabels = [...byLabel].filter(([, n]) => n < 2).map(([l]) => l).sort();
  const usable = items.filter((it) => byLabel.get(it.label)! >= 2);
  const labels = [...new Set(usable.map((it) => it.label))].sort();
  if (labels.length < 2) {
    throw new LookalikeError('BAD_LABELS', `learning needs at least two labels with two or more images each; found ${labels.length}` +
      (skippedLabels.length > 0 ? ` (with one image only: ${skippedLabels.join(', ')})` : ''));
  }
  const stage = opts.onStage ?? (() => undefined);
  const engine = await GramEngine.create(opts.threads);
  try {
    const { gallery, queries } = splitBySeed(usable, (x) => x.path, Math.max(1, Math.round(usable.length / 5)), opts.seed);
    const valQueries = queries.slice(0, MAX_VALIDATION_QUERIES);
    const valGallery = gallery.slice(0, MAX_VALIDATION_GALLERY);
    stage(`validation: fitting on ${gallery.length} vectors, scoring ${valQueries.length} held-out queries`);
    const raw = evaluate(valGallery, valQueries).precisionAt10;
    const score = async (head: Head): Promise<number> => {
      const [g, q] = await Promise.all([project(head, valGallery, opts.threads), project(head, valQueries, opts.threads)]);
      return evaluate(g, q).precisionAt10;
    };
    let best: { score: number; candidate: Candidate } = { score: -1, candidate: { kind: 'lda', shrinkage: 1, rawWeight: 0 } };
    const consider = (s: number, candidate: Candidate): void => {
      const what = candidate.kind === 'lda' ? `LDA, shrinkage ${candidate.shrinkage}` : `MLP, ${MLP.hidden} hidden units`;
      stage(`  ${what}, raw weight ${candidate.rawWeight}: P@10 ${s.toFixed(3)}`);
      if (s > best.score) best = { score: s, candidate };
    };
    const trainSet = trainingSet(gallery, labels);
    const trainScatter = await scatter(trainSet, engine);
    for (const shrinkage of SHRINKAGES) {
      const lda = ldaHead(trainScatter.dims, discriminants(trainScatter, shrinkage));
      for (const rawWeight of RAW_WEIGHTS) consider(await score({ ...lda, rawWeight }), { kind: 'lda', shrinkage, rawWeight });
    }
    const mlp = await mlpHead(trainSet, opts, stage);
    consider(await score(mlp), { kind: 'mlp', rawWeight: 0 }); // the raw vector only hurt the MLP's hidden layer

    const { candidate } = best;
    stage(`refitting the ${candidate.kind.toUpperCase()} head on all ${usable.length} vectors`);
    const allSet = trainingSet(usable, labels);
    const fitted = candidate.kind === 'lda'
      ? ldaHead(allSet.dims, discriminants(await scatter(allSet, engine), candidate.shrinkage))
      : await mlpHead(allSet, opts, stage);
    return {
      head: { ...fitted, rawWeight: candidate.rawWeight }, labels, skippedLabels, trainedOn: usable.length,
      validation: {
        queries: valQueries.length, rawPrecisionAt10: raw, headPrecisionAt10: best.score, kind: candidate.kind,
        shrinkage: candidate.kind === 'lda' ? candidate.shrinkage : null, rawWeight: candidate.rawWeight,
      },
    };
  } finally {
    await engine.close();
  }
}

/** The labelled vectors through a head (all at once, by onnxruntime). */
export async function project(head: Head, items: LabelledVector[], threads: number): Promise<LabelledVector[]> {
  const vectors = await applyHeadToAll(head, items.map((it) => it.vector), threads);
  return items.map((it, i) => ({ ...it, vector: vectors[i]! }));
}

function ldaHead(inputDims: number, d: { mean: Float32Array; matrix: Float32Array; k: number }): Head {
  return { kind: 'lda', inputDims, ...d, bias: new Float32Array(d.k), rawWeight: 0 };
}

/**
 * Trains on standardised inputs (SGD stalls on the raw ones, whose spread is tiny), then
 * folds the standardisation into W so the head takes raw vectors.
 */
async function mlpHead(set: TrainingSet, opts: LearnOptions, stage: (m: string) => void): Promise<Head> {
  const { x, rows, dims } = set;
  const mean = new Float64Array(dims);
  const sd = new Float64Array(dims);
  for (let r = 0; r < rows; r++) for (let i = 0; i < dims; i++) mean[i]! += x[r * dims + i]! / rows;
  for (let r = 0; r < rows; r++) for (let i = 0; i < dims; i++) sd[i]! += (x[r * dims + i]! - mean[i]!) ** 2 / rows;
  for (let i = 0; i < dims; i++) sd[i] = Math.sqrt(sd[i]!) + 1e-6;
  const z = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) for (let i = 0; i < dims; i++) z[r * dims + i] = (x[r * dims + i]! - mean[i]!) / sd[i]!;
  const w = await trainMlp({ ...set, x: z }, {
    ...MLP, seed: opts.seed, threads: opts.threads,
    onEpoch: (e, loss) => e % 4 === 0 && stage(`  MLP epoch ${e}/${MLP.epochs}: loss ${loss.toFixed(3)}`),
  });
  for (let i = 0; i < dims; i++) for (let j = 0; j < w.hidden; j++) w.w1[i * w.hidden + j]! /= sd[i]!;
  return { kind: 'mlp', inputDims: dims, k: w.hidden, mean: Float32Array.from(mean), matrix: w.w1, bias: w.b1, rawWeight: 0 };
}

function trainingSet(items: LabelledVector[], labels: string[]): TrainingSet {
  const dims = items[0]!.vector.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const x = new Float32Array(items.length * dims);
  const classes = new Int32Array(items.length);
  items.forEach((it, r) => {
    x.set(it.vector, r * dims);
    classes[r] = index.get(it.label)!;
  });
  return { x, rows: items.length, dims, classes, classCount: labels.length };
}
