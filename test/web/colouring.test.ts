import { describe, expect, it } from 'vitest';
import type { ClusterInfo } from '../../src/web/api.js';
import { colouring, visiblePoints } from '../../src/web/colouring.js';

const cluster = (id: number, label: string | null, size: number): ClusterInfo => ({ id, label, labelShare: 1, size, x: 0, y: 0, representatives: [] });
const clusters = [cluster(7, 'cat', 2), cluster(3, 'dog', 1), cluster(5, 'cat', 1), cluster(9, null, 1)];
const points = Int32Array.from([7, 3, 7, 5, 9]);

describe('colouring', () => {
  it('gives every cluster its own entry in cluster mode', () => {
    const c = colouring('cluster', points, clusters);
    expect(c.entries.map((e) => [e.name, e.count])).toEqual([['3: dog', 1], ['5: cat', 1], ['7: cat', 2], ['Cluster 9', 1]]);
    expect(Array.from(c.category)).toEqual([2, 0, 2, 1, 3]);
    expect(new Set(c.entries.map((e) => e.colour)).size).toBe(4);
  });

  it('merges clusters of the same majority label in label mode', () => {
    const c = colouring('label', points, clusters);
    expect(c.entries.map((e) => [e.name, e.count])).toEqual([['dog', 1], ['cat', 3], ['unlabelled', 1]]);
    expect(c.entryOfCluster.get(5)).toBe(c.entryOfCluster.get(7));
  });

  it('lists the points of the entries that are not hidden', () => {
    const c = colouring('label', points, clusters);
    expect(visiblePoints(c.category, new Set())).toBeNull();
    expect(visiblePoints(c.category, new Set([1]))).toEqual([1, 4]);
  });
});
