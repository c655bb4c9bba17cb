import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/evaluation/split.js';
import { minCostAssignment } from '../../src/mapping/assignment.js';

/** The cheapest assignment by trying every injective map of the smaller side. */
function bruteForce(cost: Float64Array, rows: number, cols: number): number {
  let best = Infinity;
  const used = new Array<boolean>(cols).fill(false);
  const walk = (i: number, sum: number, assigned: number): void => {
    if (i === rows) {
      if (assigned === Math.min(rows, cols)) best = Math.min(best, sum);
      return;
    }
    if (rows - i > cols - assigned) walk(i + 1, sum, assigned); // this row may stay unassigned
    for (let j = 0; j < cols; j++) {
      if (used[j]) continue;
      used[j] = true;
      walk(i + 1, sum + cost[i * cols + j]!, assigned + 1);
      used[j] = false;
    }
  };
  walk(0, 0, 0);
  return best;
}

describe('minCostAssignment', () => {
  it('finds the cheapest assignment, square or not', () => {
    const random = seededRandom(3);
    for (const [rows, cols] of [[1, 1], [5, 5], [4, 6], [6, 4], [7, 7]] as const) {
      for (let trial = 0; trial < 5; trial++) {
        const cost = Float64Array.from({ length: rows * cols }, () => Math.floor(random() * 20) - 5);
        const got = minCostAssignment(cost, rows, cols);
        const cols_ = [...got].filter((j) => j >= 0);
        expect(cols_.length).toBe(Math.min(rows, cols));
        expect(new Set(cols_).size).toBe(cols_.length);
        const sum = [...got].reduce((s, j, i) => s + (j >= 0 ? cost[i * cols + j]! : 0), 0);
        expect(sum).toBe(bruteForce(cost, rows, cols));
      }
    }
  });

  it('rejects a cost matrix of the wrong size', () => {
    expect(() => minCostAssignment(new Float64Array(5), 2, 3)).toThrow(/expected 2 x 3/);
  });
});
