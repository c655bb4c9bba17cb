import { describe, expect, it } from 'vitest';
import { buildMap } from '../../src/mapping/map-build.js';
import { placeUnmapped } from '../../src/mapping/place-unmapped.js';
import { VectorIndex } from '../../src/search/vector-index.js';
import { MapStore } from '../../src/store/map-store.js';
import { vectorStore } from '../helpers/vector-store.js';

describe('placeUnmapped', () => {
  it('places held-out images among their class on the map, in their class cluster, once', async () => {
    // Overlapping blobs (spread 3 in 32-d), so neighbours are not trivially all one class.
    const N = 500;
    const held = 25;
    const v = vectorStore(N, { clusters: 5, dims: 32, spread: 3, extra: held, seed: 4 });
    const maps = new MapStore(v.store.db);
    const { mapId } = await buildMap(v.store, { clusters: 5, threads: 2, device: 'cpu' });
    expect(placeUnmapped(v.store, await VectorIndex.open(v.store, v.path))).toEqual({ mapId, placed: 0, stale: false });

    v.add(N, N + held);
    const index = await VectorIndex.open(v.store, v.path);
    expect(placeUnmapped(v.store, index)).toEqual({ mapId, placed: held, stale: false });
    expect(maps.currentId()).toBe(mapId);
    const map = maps.load(mapId);
    expect(map.imageIds.length).toBe(N + held);
    const placedIds = new Set(v.store.db.prepare('SELECT image_id FROM map_points WHERE map_id = ? AND placed = 1').pluck().all(mapId) as number[]);
    expect(placedIds.size).toBe(held);

    const info = v.store.imagesByIds([...map.imageIds]);
    const label = [...map.imageIds].map((id) => info.get(id)!.label);
    const built = [...map.imageIds.keys()].filter((i) => !placedIds.has(map.imageIds[i]!));
    const clusterOfLabel = new Map<string | null, number>();
    for (const c of map.clusters) clusterOfLabel.set(c.label, c.id);
    let agreement = 0;
    for (const i of map.imageIds.keys()) {
      if (!placedIds.has(map.imageIds[i]!)) continue;
      const near = built.map((j) => [(map.x[j]! - map.x[i]!) ** 2 + (map.y[j]! - map.y[i]!) ** 2, j] as const)
        .sort((a, b) => a[0] - b[0]).slice(0, 10);
      const same = near.filter(([, j]) => label[j] === label[i]).length / 10;
      expect(same).toBeGreaterThanOrEqual(0.5);
      agreement += same / held;
      expect(map.cluster[i]).toBe(clusterOfLabel.get(label[i]!));
    }
    expect(agreement).toBeGreaterThan(0.9);
    expect(placeUnmapped(v.store, index).placed).toBe(0);
    v.store.close();
  });

  it('places nothing before the first map', async () => {
    const v = vectorStore(30, { dims: 8 });
    expect(placeUnmapped(v.store, await VectorIndex.open(v.store, v.path))).toEqual({ mapId: null, placed: 0, stale: false });
    v.store.close();
  });
});
