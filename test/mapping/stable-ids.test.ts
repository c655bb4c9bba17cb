import { describe, expect, it } from 'vitest';
import { stableClusterIds } from '../../src/mapping/stable-ids.js';

const c = (...v: number[]): Float32Array => Float32Array.from(v);

describe('stableClusterIds', () => {
  const previous = {
    imageIds: Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
    cluster: Int32Array.from([10, 10, 10, 20, 20, 20, 30, 30]),
    clusters: [{ id: 10, centroid: c(0, 0) }, { id: 20, centroid: c(5, 0) }, { id: 30, centroid: c(0, 5) }],
  };

  it('numbers clusters 0..k-1 when there is no previous map', () => {
    expect(Array.from(stableClusterIds(undefined, Uint32Array.from([1, 2]), Int32Array.from([1, 0]), [c(0), c(1)]))).toEqual([0, 1]);
  });

  it('gives permuted clusters their old ids by shared images, even against the centroids', () => {
    // New cluster 0 holds old 20's images, 1 old 30's, 2 old 10's; the centroids point elsewhere.
    const ids = stableClusterIds(previous, previous.imageIds, Int32Array.from([2, 2, 2, 0, 0, 0, 1, 1]), [c(0, 5), c(0, 0), c(5, 0)]);
    expect(Array.from(ids)).toEqual([20, 30, 10]);
  });

  it('maximises the images kept in their cluster when groups split and merge', () => {
    // Old 10 and 20 merge into new 0, which keeps 10's id (3 shared against 20's 2); new 1 takes 20's rest.
    const ids = stableClusterIds(previous, previous.imageIds, Int32Array.from([0, 0, 0, 0, 0, 1, 2, 2]), [c(1, 0), c(5, 0), c(0, 5)]);
    expect(Array.from(ids)).toEqual([10, 20, 30]);
  });

  it('pairs clusters sharing no image by centroid, and gives the rest fresh ids', () => {
    // Images 7 and 8 (old 30) are gone; new images 9..12 form two new clusters: the one near
    // old 30's centroid takes its id, the other a fresh one.
    const imageIds = Uint32Array.from([1, 2, 3, 4, 5, 6, 9, 10, 11, 12]);
    const ids = stableClusterIds(previous, imageIds, Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 3, 3]), [c(0, 0), c(5, 0), c(9, 9), c(0, 4)]);
    expect(Array.from(ids)).toEqual([10, 20, 31, 30]);
  });
});
