import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/evaluation/split.js';
import { neighbourAffinities, placeFromNeighbours } from '../../src/mapping/place.js';

describe('placeFromNeighbours', () => {
  it('starts at the median of the neighbours, which an outlier does not drag', () => {
    const at = placeFromNeighbours([{ x: 0, y: 0, score: 0.9 }, { x: 1, y: 2, score: 0.8 }, { x: 100, y: -50, score: 0.7 }]);
    expect(at).toEqual({ x: 1, y: 0 });
    expect(() => placeFromNeighbours([])).toThrow(/at least one mapped neighbour/);
  });

  it('calibrates the neighbour affinities to the perplexity, the most similar weighing most', () => {
    const scores = [0.95, 0.9, 0.88, 0.8, 0.79, 0.7, 0.6, 0.6, 0.5, 0.4, 0.3, 0.3, 0.2, 0.1, 0.05];
    const p = neighbourAffinities(scores, 5);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(Math.exp(-p.reduce((h, v) => h + (v > 0 ? v * Math.log(v) : 0), 0))).toBeCloseTo(5, 3);
    for (let j = 1; j < p.length; j++) expect(p[j]).toBeLessThanOrEqual(p[j - 1]!);
  });

  it('moves a point whose neighbours straddle two groups into the group it is most similar to', () => {
    // Two groups of 200 points around (-10, 0) and (10, 0); the point's best neighbours are in
    // the right-hand one, a few weaker ones in the left: the median start lies between them.
    const random = seededRandom(2);
    const n = 400;
    const map = { x: new Float32Array(n), y: new Float32Array(n) };
    for (let i = 0; i < n; i++) [map.x[i], map.y[i]] = [(i < 200 ? -10 : 10) + random() - 0.5, random() - 0.5];
    const neighbours = [
      ...[200, 201, 202, 203, 204, 205, 206].map((i, m) => ({ x: map.x[i]!, y: map.y[i]!, score: 0.9 - 0.01 * m })),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i, m) => ({ x: map.x[i]!, y: map.y[i]!, score: 0.7 - 0.01 * m })),
    ];
    expect(placeFromNeighbours(neighbours).x).toBeLessThan(-9); // the median: 8 of 15 are on the left
    const placed = placeFromNeighbours(neighbours, map);
    expect(Math.hypot(placed.x - 10, placed.y)).toBeLessThan(2);
    const nearest = [...map.x.keys()].sort((a, b) =>
      Math.hypot(map.x[a]! - placed.x, map.y[a]! - placed.y) - Math.hypot(map.x[b]! - placed.x, map.y[b]! - placed.y)).slice(0, 10);
    for (const i of nearest) expect(i).toBeGreaterThanOrEqual(200);
  });
});
