import { describe, expect, it } from 'vitest';
import type { ClusterInfo } from '../../src/web/api.js';
import { colouring, visiblePoints } from '../../src/web/colouring.js';

const cluster = (id: number, label: string | null, size: number): ClusterInfo => ({ id, label, labelShare: 1, size, x: 0, y: 0, representatives: [] });
const clusters = [cluster(7, 'cat', 2), cluster(3, 'dog', 1), cluster(5, 'cat', 1), cluster(9, null, 1)];
// Cluster 7 (majority cat) holds a dog; cluster 9 has no majority label but holds a cat.
const points = { cluster: Int32Array.from([7, 3, 7, 5, 9, 7]), label: Int32Array.from([0, 1, 1, 0, 0, -1]), labels: ['cat', 'dog'] };

describe('colouring', () => {
  it('gives every cluster its own entry in cluster mode', () => {
    const c = colouring('cluster', points, clusters);
    expect(c.entries.map((e) => [e.name, e.count])).toEqual([['3: dog', 1], ['5: cat', 1], ['7: cat', 3], ['Cluster 9', 1]]);
    expect(Array.from(c.category)).toEqual([2, 0, 2, 1, 3, 2]);
    expect(new Set(c.entries.map((e) => e.colour)).size).toBe(4);
  });

  it('colours each point by its own label in label mode, and each cluster label by its majority', () => {
    const c = colouring('label', points, clusters);
    expect(c.entries.map((e) => [e.name, e.count])).toEqual([['cat', 3], ['dog', 2], ['unlabelled', 1]]);
    expect(Array.from(c.category)).toEqual([0, 1, 1, 0, 0, 2]);
    expect(c.entryOfCluster.get(5)).toBe(0);
    expect(c.entryOfCluster.get(7)).toBe(0);
    expect(c.entryOfCluster.get(3)).toBe(1);
    expect(c.entryOfCluster.get(9)).toBe(2);
  });

  it('needs no unlabelled entry when every point has a label', () => {
    const c = colouring('label', { ...points, label: Int32Array.from([0, 1, 1, 0, 0, 0]) }, clusters);
    expect(c.entries.map((e) => e.name)).toEqual(['cat', 'dog']);
    expect(c.entryOfCluster.has(9)).toBe(false);
  });

  it('lists the points of the entries that are not hidden', () => {
    const c = colouring('label', points, clusters);
    expect(visiblePoints(c.category, new Set())).toBeNull();
    expect(visiblePoints(c.category, new Set([0]))).toEqual([1, 2, 5]);
  });
});
