import { describe, expect, it } from 'vitest';
import { averagePrecisionAt, precisionAt, qualityReport, vote, type RankedQuery } from '../../src/evaluation/metrics.js';
import { splitBySeed } from '../../src/evaluation/split.js';

const q = (label: string, neighbours: string, scores?: number[]): RankedQuery => ({
  label, neighbours: [...neighbours], scores: scores ?? [...neighbours].map((_, i) => 1 - i / 100),
});

describe('retrieval metrics', () => {
  it('precision@k counts relevant items among the first k, over k', () => {
    expect(precisionAt(q('a', 'abaab'), 1)).toBe(1);
    expect(precisionAt(q('a', 'abaab'), 5)).toBe(0.6);
    expect(precisionAt(q('a', 'bbb'), 10)).toBe(0);
  });

  it('AP@k averages precision at each hit, over min(k, relevant in the gallery)', () => {
    // hits at ranks 1, 3, 4: (1/1 + 2/3 + 3/4) / min(10, 3)
    expect(averagePrecisionAt(q('a', 'abaab'), 10, 3)).toBeCloseTo((1 + 2 / 3 + 3 / 4) / 3, 12);
    // a gallery holding 20 relevant items: the denominator is 10
    expect(averagePrecisionAt(q('a', 'abaab'), 10, 20)).toBeCloseTo((1 + 2 / 3 + 3 / 4) / 10, 12);
    expect(averagePrecisionAt(q('a', 'bbbb'), 10, 0)).toBe(0);
  });

  it('a k-NN vote takes the majority, and on a tie the label with the larger summed score', () => {
    expect(vote(q('a', 'abbab'), 5)).toBe('b');
    expect(vote(q('a', 'abab', [0.9, 0.5, 0.8, 0.4]), 4)).toBe('a');
    expect(vote(q('a', 'baba', [0.9, 0.5, 0.8, 0.4]), 4)).toBe('b');
  });

  it('reports the means over queries', () => {
    const r = qualityReport([q('a', 'aabb'), q('b', 'aabb')], new Map([['a', 2], ['b', 2]]));
    expect(r).toEqual({
      queries: 2,
      precisionAt1: 0.5,
      precisionAt10: 0.2,
      mapAt10: (1 + (1 / 3 + 2 / 4) / 2) / 2,
      knn1Accuracy: 0.5,
      knn10Accuracy: 0.5,
    });
  });
});

describe('splitBySeed', () => {
  const items = Array.from({ length: 50 }, (_, i) => `img${i}`);
  it('is repeatable from the seed, disjoint, and complete', () => {
    const a = splitBySeed(items, (x) => x, 10, 7);
    expect(splitBySeed([...items].reverse(), (x) => x, 10, 7)).toEqual(a);
    expect(a.queries).toHaveLength(10);
    expect(new Set([...a.queries, ...a.gallery]).size).toBe(50);
    expect(splitBySeed(items, (x) => x, 10, 8).queries).not.toEqual(a.queries);
  });
});
