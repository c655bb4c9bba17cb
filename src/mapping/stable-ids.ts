import { minCostAssignment } from './assignment.js';

/** What a new build needs of the previous map version to keep its cluster ids. */
export interface PreviousClusters {
  /** The previous version's points and their stable cluster ids. */
  imageIds: Uint32Array;
  cluster: Int32Array;
  clusters: ReadonlyArray<{ id: number; centroid: Float32Array }>;
}

/**
 * Stable ids for the k clusters of a new build, so "cluster 7" names the same group across
 * rebuilds. First the assignment of new to old clusters that maximises the images they share
 * (Hungarian method; a pair sharing no image is not a match); then the clusters left on both
 * sides (an old group whose images all went, a new group of new images) are paired by the
 * nearest centroids; clusters left after that get fresh ids above every old one.
 * `assignments` gives each row of `imageIds` its new cluster, 0..k-1.
 */
export function stableClusterIds(
  previous: PreviousClusters | undefined,
  imageIds: Uint32Array,
  assignments: Int32Array,
  centroids: readonly Float32Array[],
): Int32Array {
  const k = centroids.length;
  const ids = Int32Array.from({ length: k }, (_, c) => c);
  if (!previous || previous.clusters.length === 0) return ids;
  const old = previous.clusters;
  const m = old.length;
  const oldIndex = new Map(old.map((c, j) => [c.id, j]));
  const before = new Map<number, number>();
  previous.imageIds.forEach((id, i) => before.set(id, oldIndex.get(previous.cluster[i]!) ?? -1));

  const overlap = new Float64Array(k * m);
  imageIds.forEach((id, i) => {
    const j = before.get(id);
    if (j !== undefined && j >= 0) overlap[assignments[i]! * m + j]! += 1;
  });
  const matched = new Int32Array(k).fill(-1);
  const taken = new Uint8Array(m);
  minCostAssignment(overlap.map((o) => -o), k, m).forEach((j, c) => {
    if (j >= 0 && overlap[c * m + j]! > 0) {
      matched[c] = j;
      taken[j] = 1;
    }
  });

  const newLeft = [...matched.keys()].filter((c) => matched[c] === -1);
  const oldLeft = [...taken.keys()].filter((j) => !taken[j] && old[j]!.centroid.length === centroids[0]!.length);
  if (newLeft.length > 0 && oldLeft.length > 0) {
    const distance = new Float64Array(newLeft.length * oldLeft.length);
    newLeft.forEach((c, a) => oldLeft.forEach((j, b) => (distance[a * oldLeft.length + b] = squaredDistance(centroids[c]!, old[j]!.centroid))));
    minCostAssignment(distance, newLeft.length, oldLeft.length).forEach((b, a) => {
      if (b >= 0) matched[newLeft[a]!] = oldLeft[b]!;
    });
  }

  let next = Math.max(...old.map((c) => c.id)) + 1;
  for (let c = 0; c < k; c++) ids[c] = matched[c]! >= 0 ? old[matched[c]!]!.id : next++;
  return ids;
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}
