import { encodeMap, mapBounds } from '../core/map-format.js';
import type { LoadedMap, MapCluster } from '../store/map-store.js';

export interface MapPosition {
  x: number;
  y: number;
  cluster: number;
}

/**
 * A map version ready to serve: positions by image id, and the binary body encoded once, so
 * `GET /api/map` and the cluster of every search result cost no work per request.
 */
export class MapView {
  private constructor(
    readonly map: LoadedMap,
    private readonly rowOf: Map<number, number>,
    readonly binary: Uint8Array,
  ) {}

  static from(map: LoadedMap): MapView {
    const rowOf = new Map<number, number>();
    map.imageIds.forEach((id, i) => rowOf.set(id, i));
    const binary = encodeMap(
      { mapId: map.id, bounds: mapBounds(map.x, map.y), clusters: map.clusters.length, createdAt: map.createdAt },
      { id: map.imageIds, x: map.x, y: map.y, cluster: map.cluster },
    );
    return new MapView(map, rowOf, binary);
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
  json(): { mapId: number; count: number; bounds: [number, number, number, number]; points: Array<{ id: number; x: number; y: number; cluster: number }> } {
    const m = this.map;
    return {
      mapId: m.id, count: m.imageIds.length, bounds: mapBounds(m.x, m.y),
      points: Array.from(m.imageIds, (id, i) => ({ id, x: m.x[i]!, y: m.y[i]!, cluster: m.cluster[i]! })),
    };
  }
}
