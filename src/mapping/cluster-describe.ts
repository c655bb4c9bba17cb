import type { MapCluster } from '../store/map-store.js';

/** Images shown for a cluster on the map: a 3 x 3 grid. */
export const REPRESENTATIVES = 9;

export interface ClusterDescriptionInput {
  k: number;
  /** Each row's cluster, 0..k-1. */
  assignments: Int32Array;
  imageIds: Uint32Array;
  /** The model's vectors, n x dims: stored centroids are means in this space, so later builds and placements can compare them. */
  vectors: Float32Array;
  dims: number;
  /** The space k-means ran in (n x dims) and its centroids: representatives are the rows nearest them there. */
  space: { data: Float32Array; dims: number; centroids: Float32Array };
  /** n x 2 map positions. */
  layout: Float32Array;
  /** Each row's folder label, null where it has none. */
  labels: ReadonlyArray<string | null>;
}

/** Size, centroid, representatives, majority label and label position of each cluster; ids are 0..k-1. */
export function describeClusters(input: ClusterDescriptionInput): MapCluster[] {
  const { k, assignments, imageIds, vectors, dims, space, layout, labels } = input;
  const n = assignments.length;
  const size = new Int32Array(k);
  const sums = Array.from({ length: k }, () => new Float64Array(dims));
  const xy = new Float64Array(2 * k);
  const labelCounts = Array.from({ length: k }, () => new Map<string, number>());
  const nearest = Array.from({ length: k }, () => [] as Array<[number, number]>); // [distance, image id], nearest first

  for (let i = 0; i < n; i++) {
    const c = assignments[i]!;
    size[c]!++;
    const sum = sums[c]!;
    for (let j = 0, o = i * dims; j < dims; j++) sum[j]! += vectors[o + j]!;
    xy[2 * c]! += layout[2 * i]!;
    xy[2 * c + 1]! += layout[2 * i + 1]!;
    const label = labels[i];
    if (label != null) labelCounts[c]!.set(label, (labelCounts[c]!.get(label) ?? 0) + 1);
    keepNearest(nearest[c]!, squaredDistance(space.data, i * space.dims, space.centroids, c * space.dims, space.dims), imageIds[i]!);
  }

  return Array.from({ length: k }, (_, c) => {
    const count = Math.max(size[c]!, 1);
    let label: string | null = null;
    let best = 0;
    let labelled = 0;
    for (const [name, m] of labelCounts[c]!) {
      labelled += m;
      if (m > best || (m === best && label !== null && name < label)) [label, best] = [name, m];
    }
    return {
      id: c,
      size: size[c]!,
      x: xy[2 * c]! / count,
      y: xy[2 * c + 1]! / count,
      centroid: Float32Array.from(sums[c]!, (s) => s / count),
      label,
      labelShare: label === null ? null : best / labelled,
      representatives: nearest[c]!.map(([, id]) => id),
    };
  });
}

function keepNearest(list: Array<[number, number]>, distance: number, id: number): void {
  if (list.length === REPRESENTATIVES && distance >= list[REPRESENTATIVES - 1]![0]) return;
  let at = list.length;
  while (at > 0 && list[at - 1]![0] > distance) at--;
  list.splice(at, 0, [distance, id]);
  if (list.length > REPRESENTATIVES) list.pop();
}

function squaredDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += (a[ao + j]! - b[bo + j]!) ** 2;
  return s;
}
