import { LookalikeError } from '../core/errors.js';
import { evaluate, type LabelledVector } from '../evaluation/evaluate.js';
import { splitBySeed } from '../evaluation/split.js';
import { GramEngine } from './gram.js';
import { applyHead, type Head } from './head.js';
import { discriminants, scatter, type TrainingSet } from './lda.js';

/** Tried in every run; held-out precision@10 picks one of each. */
const SHRINKAGES = [1e-3, 1e-2, 1e-1, 1];
const RAW_WEIGHTS = [0, 0.3, 0.6];
/** Validation is an estimate: these caps keep it to a few seconds at 50,000 vectors. */
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
  validation: { queries: number; rawPrecisionAt10: number; headPrecisionAt10: number; shrinkage: number; rawWeight: number };
}

/**
 * Fits a linear discriminant head on labelled vectors: a fifth is held out, every
 * shrinkage × raw-weight pair is scored by precision@10 on it, and the best is refitted on all.
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
    const trainScatter = await scatter(trainingSet(gallery, labels), engine);
    const raw = evaluate(valGallery, valQueries).precisionAt10;
    let best = { score: -1, shrinkage: SHRINKAGES[0]!, rawWeight: RAW_WEIGHTS[0]! };
    for (const shrinkage of SHRINKAGES) {
      const d = discriminants(trainScatter, shrinkage);
      for (const rawWeight of RAW_WEIGHTS) {
        const head: Head = { kind: 'lda', inputDims: trainScatter.dims, ...d, rawWeight };
        const score = evaluate(projectAll(head, valGallery), projectAll(head, valQueries)).precisionAt10;
        stage(`  shrinkage ${shrinkage}, raw weight ${rawWeight}: P@10 ${score.toFixed(3)}`);
        if (score > best.score) best = { score, shrinkage, rawWeight };
      }
    }
    stage(`refitting on all ${usable.length} vectors (shrinkage ${best.shrinkage}, raw weight ${best.rawWeight})`);
    const all = await scatter(trainingSet(usable, labels), engine);
    const head: Head = { kind: 'lda', inputDims: all.dims, ...discriminants(all, best.shrinkage), rawWeight: best.rawWeight };
    return {
      head, labels, skippedLabels, trainedOn: usable.length,
      validation: { queries: valQueries.length, rawPrecisionAt10: raw, headPrecisionAt10: best.score, shrinkage: best.shrinkage, rawWeight: best.rawWeight },
    };
  } finally {
    await engine.close();
  }
}

export function projectAll(head: Head, items: LabelledVector[]): LabelledVector[] {
  return items.map((it) => ({ ...it, vector: applyHead(head, it.vector) }));
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
