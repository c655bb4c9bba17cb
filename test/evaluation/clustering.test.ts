import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, withinClusterSumOfSquares } from '../../src/evaluation/clustering.js';

describe('adjusted Rand index', () => {
  it('is 1 for the same partition under other label values', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
    expect(adjustedRandIndex([0, 0, 0], [1, 1, 1])).toBe(1);
  });

  it('matches hand-computed values', () => {
    // Contingency [[2, 0, 0], [0, 1, 1]]: index 1, row pairs 2, column pairs 1, 6 pairs in all.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo((1 - 2 / 6) / (1.5 - 2 / 6), 12);
    // Every pair split the other way: below chance.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });

  it('rejects labellings of different lengths', () => {
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/differ in length/);
  });
});

describe('within-cluster sum of squares', () => {
  it('sums squared distances to each cluster mean', () => {
    // Cluster 0: (0,0) and (2,0), mean (1,0): 1 + 1. Cluster 1: (5,5) alone: 0.
    expect(withinClusterSumOfSquares(Float32Array.of(0, 0, 2, 0, 5, 5), 3, 2, [0, 0, 1])).toBe(2);
    // Cluster 1: (2,0) and (5,5), mean (3.5,2.5): 2 x (1.5² + 2.5²).
    expect(withinClusterSumOfSquares(Float32Array.of(0, 0, 2, 0, 5, 5), 3, 2, [0, 1, 1])).toBe(17);
  });
});
