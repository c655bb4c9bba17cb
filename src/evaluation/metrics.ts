/** Retrieval quality from ranked neighbour labels; pure functions, hand-checkable. */

export interface QualityReport {
  queries: number;
  precisionAt1: number;
  precisionAt10: number;
  /** Mean over queries of AP@10 = Σ_{k≤10} P@k·rel(k) / min(10, relevant items in the gallery). */
  mapAt10: number;
  /** Label of the nearest neighbour is right: the 1-NN classifier's accuracy. */
  knn1Accuracy: number;
  /** Majority label of the 10 nearest is right; ties go to the label with the larger summed score. */
  knn10Accuracy: number;
}

export interface RankedQuery {
  label: string;
  /** Gallery labels, nearest first (at least 10 unless the gallery is smaller). */
  neighbours: string[];
  /** Similarities in the same order. */
  scores: number[];
}

export function precisionAt(q: RankedQuery, k: number): number {
  const top = q.neighbours.slice(0, k);
  return top.length === 0 ? 0 : top.filter((l) => l === q.label).length / k;
}

export function averagePrecisionAt(q: RankedQuery, k: number, relevantInGallery: number): number {
  const denom = Math.min(k, relevantInGallery);
  if (denom === 0) return 0;
  let hits = 0;
  let sum = 0;
  q.neighbours.slice(0, k).forEach((l, i) => {
    if (l === q.label) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return sum / denom;
}

export function vote(q: RankedQuery, k: number): string | undefined {
  const tally = new Map<string, { n: number; score: number }>();
  q.neighbours.slice(0, k).forEach((l, i) => {
    const t = tally.get(l) ?? { n: 0, score: 0 };
    tally.set(l, { n: t.n + 1, score: t.score + q.scores[i]! });
  });
  let best: [string, { n: number; score: number }] | undefined;
  for (const entry of tally) {
    if (!best || entry[1].n > best[1].n || (entry[1].n === best[1].n && entry[1].score > best[1].score)) best = entry;
  }
  return best?.[0];
}

export function qualityReport(queries: RankedQuery[], galleryLabelCounts: Map<string, number>): QualityReport {
  const mean = (f: (q: RankedQuery) => number): number => queries.reduce((s, q) => s + f(q), 0) / Math.max(queries.length, 1);
  return {
    queries: queries.length,
    precisionAt1: mean((q) => precisionAt(q, 1)),
    precisionAt10: mean((q) => precisionAt(q, 10)),
    mapAt10: mean((q) => averagePrecisionAt(q, 10, galleryLabelCounts.get(q.label) ?? 0)),
    knn1Accuracy: mean((q) => (q.neighbours[0] === q.label ? 1 : 0)),
    knn10Accuracy: mean((q) => (vote(q, 10) === q.label ? 1 : 0)),
  };
}
