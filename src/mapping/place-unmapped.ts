import type { VectorIndex } from '../search/vector-index.js';
import { MapStore } from '../store/map-store.js';
import type { Store } from '../store/store.js';
import { PLACE_PERPLEXITY, placeFromNeighbours, type PlacedNeighbour } from './place.js';

/** Mapped neighbours each placement starts from: 3 x the placement's perplexity, as t-SNE's own kNN. */
export const PLACE_NEIGHBOURS = 3 * PLACE_PERPLEXITY;

export interface PlaceUnmappedResult {
  /** The current map, null before the first build. */
  mapId: number | null;
  placed: number;
  /** The current map is of another model than search serves: only a full rebuild brings it up to date. */
  stale: boolean;
}

/**
 * Puts the images indexed since the current map was built into it at once (rows marked
 * placed), each where place.ts puts it from its nearest mapped neighbours, and in
 * the cluster of the nearest centroid, so the map shows them before the next full build.
 * `index` is the search index over the serving model's vectors, new images included.
 */
export function placeUnmapped(store: Store, index: VectorIndex, options: { neighbours?: number } = {}): PlaceUnmappedResult {
  const maps = new MapStore(store.db);
  const mapId = maps.currentId();
  const serving = store.servingModel();
  if (mapId === undefined || !serving) return { mapId: mapId ?? null, placed: 0, stale: false };
  const map = maps.load(mapId);
  if (map.modelId !== serving.id) return { mapId, placed: 0, stale: true };
  const unmapped = maps.unmappedVectors(mapId, serving.id);
  if (unmapped.length === 0 || map.imageIds.length === 0) return { mapId, placed: 0, stale: false };

  const row = new Map<number, number>();
  map.imageIds.forEach((id, i) => row.set(id, i));
  const want = options.neighbours ?? PLACE_NEIGHBOURS;
  const n = unmapped.length;
  const points = { imageIds: new Uint32Array(n), x: new Float32Array(n), y: new Float32Array(n), cluster: new Int32Array(n) };
  unmapped.forEach(({ imageId, vector }, i) => {
    const cluster = nearestCentroid(map.clusters, vector);
    const neighbours = mappedNeighbours(index, vector, want, (id) => row.get(id), map);
    const at = neighbours.length > 0 ? placeFromNeighbours(neighbours, map) : { x: cluster?.x ?? 0, y: cluster?.y ?? 0 };
    points.imageIds[i] = imageId;
    points.x[i] = at.x;
    points.y[i] = at.y;
    points.cluster[i] = cluster?.id ?? -1;
  });
  maps.writePoints(mapId, points, true);
  return { mapId, placed: n, stale: false };
}

/** The nearest `want` neighbours that have a map position: the index also holds the other unmapped images. */
function mappedNeighbours(
  index: VectorIndex, vector: Float32Array, want: number, rowOf: (id: number) => number | undefined, map: { x: Float32Array; y: Float32Array },
): PlacedNeighbour[] {
  for (let k = 2 * want; ; k *= 2) {
    const found: PlacedNeighbour[] = [];
    for (const { imageId, score } of index.search(vector, k)) {
      const i = rowOf(imageId);
      if (i !== undefined) found.push({ x: map.x[i]!, y: map.y[i]!, score });
      if (found.length === want) return found;
    }
    if (k >= index.size) return found;
  }
}

function nearestCentroid<C extends { centroid: Float32Array }>(clusters: readonly C[], vector: Float32Array): C | undefined {
  let best: C | undefined;
  let bestDistance = Infinity;
  for (const c of clusters) {
    if (c.centroid.length !== vector.length) continue;
    let s = 0;
    for (let j = 0; j < vector.length; j++) s += (vector[j]! - c.centroid[j]!) ** 2;
    if (s < bestDistance) [best, bestDistance] = [c, s];
  }
  return best;
}
