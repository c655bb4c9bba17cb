import usearch from 'usearch';
import { LookalikeError } from '../core/errors.js';
import { qualityReport, type QualityReport, type RankedQuery } from './metrics.js';

export interface LabelledVector {
  path: string;
  label: string;
  vector: Float32Array;
}

export interface Evaluation extends QualityReport {
  gallery: number;
  labels: number;
  /** Queries whose label has no image in the gallery: they can never be answered right. */
  orphanQueries: number;
}

/** Checks that a labelled set can be evaluated; says exactly what is missing otherwise. */
export function checkLabels(items: LabelledVector[], where: string): void {
  if (items.length === 0) {
    throw new LookalikeError('BAD_LABELS', `no labelled images in ${where}: eval needs images in sub-folders named by their label`);
  }
  const labels = new Set(items.map((i) => i.label));
  if (labels.size < 2) {
    throw new LookalikeError('BAD_LABELS', `eval needs at least two labels; ${where} has only "${[...labels][0]}"`);
  }
}

/** Exact cosine neighbours of every query among the gallery, best first. */
export function rankQueries(gallery: LabelledVector[], queries: LabelledVector[], k: number): RankedQuery[] {
  const dims = gallery[0]!.vector.length;
  const n = Math.min(k, gallery.length);
  const matrix = new Float32Array(gallery.length * dims);
  gallery.forEach((g, i) => matrix.set(g.vector, i * dims));
  const out: RankedQuery[] = [];
  const chunk = 512;
  for (let start = 0; start < queries.length; start += chunk) {
    const part = queries.slice(start, start + chunk);
    const q = new Float32Array(part.length * dims); // a fresh buffer: usearch ignores view offsets
    part.forEach((x, i) => q.set(x.vector, i * dims));
    const found = usearch.exactSearch(matrix, q, dims, n, usearch.MetricKind.Cos, 0);
    const { keys, distances } = found; // one query or many: keys and distances are flat, n per query
    part.forEach((x, i) => {
      const neighbours: string[] = [];
      const scores: number[] = [];
      for (let j = 0; j < n; j++) {
        neighbours.push(gallery[Number(keys[i * n + j]!)]!.label);
        scores.push(1 - distances[i * n + j]!);
      }
      out.push({ label: x.label, neighbours, scores });
    });
  }
  return out;
}

export function evaluate(gallery: LabelledVector[], queries: LabelledVector[]): Evaluation {
  const counts = new Map<string, number>();
  for (const g of gallery) counts.set(g.label, (counts.get(g.label) ?? 0) + 1);
  const report = qualityReport(rankQueries(gallery, queries, 10), counts);
  return {
    ...report,
    gallery: gallery.length,
    labels: new Set([...gallery, ...queries].map((x) => x.label)).size,
    orphanQueries: queries.filter((q) => !counts.has(q.label)).length,
  };
}
