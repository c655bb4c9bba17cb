import { encodeMap, mapBounds } from '../core/map-format.js';
import type { LoadedMap, MapCluster } from '../store/map-store.js';

export interface MapPosition {
  x: number;
  y: number;
  cluster: number;
}

/** Each point's folder label as an index into the sorted list of distinct labels, -1 for none. */
export function labelIndex(imageIds: Uint32Array, labelOf: ReadonlyMap<number, string>): { labels: string[]; label: Int32Array } {
  const labels = [...new Set(Array.from(imageIds, (id) => labelOf.get(id)).filter((l): l is string => l !== undefined))].sort();
  const indexOf = new Map(labels.map((l, i) => [l, i]));
  const label = Int32Array.from(imageIds, (id) => {
    const l = labelOf.get(id);
    return l === undefined ? -1 : indexOf.get(l)!;
  });
  return { labels, label };
}

/**
 * A map version ready to serve: positions by image id, and the binary body encoded once, so
 * `GET /api/map` and the cluster of every search result cost no work per request. Folder labels
 * come from the images table, not the map version, as the browser colours points by them.
 */
export class MapView {
  private constructor(
    readonly map: LoadedMap,
    private readonly rowOf: Map<number, number>,
    private readonly labels: { labels: string[]; label: Int32Array },
    readonly binary: Uint8Array,
  ) {}

  /** `labelOf`: each image's folder label (Store.imageLabels()); images it lacks are unlabelled. */
  static from(map: LoadedMap, labelOf: ReadonlyMap<number, string>): MapView {
    const rowOf = new Map<number, number>();
    map.imageIds.forEach((id, i) => rowOf.set(id, i));
    const labels = labelIndex(map.imageIds, labelOf);
    const binary = encodeMap(
      { mapId: map.id, bounds: mapBounds(map.x, map.y), labels: labels.labels, clusters: map.clusters.length, createdAt: map.createdAt },
      { id: map.imageIds, x: map.x, y: map.y, cluster: map.cluster, label: labels.label },
    );
    return new MapView(map, rowOf, labels, binary);
  }

  get id(): number {
    return this.map.id;
  }

  get size(): number {
    return this.map.imageIds.length;
  }

  get clusters(): MapCluster[] {
    return this.map.clusters;
  }

  position(imageId: number): MapPosition | undefined {
    const i = this.rowOf.get(imageId);
    return i === undefined ? undefined : { x: this.map.x[i]!, y: this.map.y[i]!, cluster: this.map.cluster[i]! };
  }

  /** The points as JSON rows, for small maps and readers that do not decode the binary form. */
  json(): {
    mapId: number; count: number; bounds: [number, number, number, number];
    points: Array<{ id: number; x: number; y: number; cluster: number; label: string | null }>;
  } {
    const m = this.map;
    const { labels, label } = this.labels;
    return {
      mapId: m.id, count: m.imageIds.length, bounds: mapBounds(m.x, m.y),
      points: Array.from(m.imageIds, (id, i) => ({ id, x: m.x[i]!, y: m.y[i]!, cluster: m.cluster[i]!, label: labels[label[i]!] ?? null })),
    };
  }
}
