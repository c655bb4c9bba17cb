import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MapStore, type MapCluster } from '../../src/store/map-store.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/fixtures.js';

function storeWithImages(n: number): { store: Store; maps: MapStore; modelId: number; ids: number[] } {
  const store = Store.open(join(tempDir('maps'), 'm.db'));
  const modelId = store.ensureModel({
    name: 't', fingerprint: 'f', dims: 2, layer: 'l', inputSize: 8,
    preprocessing: { inputSize: 8, layout: 'NHWC', mean: [0, 0, 0], std: [1, 1, 1], flip: false, power: false },
  });
  store.writeResults(modelId, Array.from({ length: n }, (_, i) => ({
    path: `c/${i}.png`, sha256: `h${i}`, bytes: 1, width: 1, height: 1, format: 'png', label: 'c', mtimeMs: 0,
    vector: Float32Array.from([i, 1]), error: null,
  })));
  const ids = store.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
  return { store, maps: new MapStore(store.db), modelId, ids };
}

const cluster = (id: number, reps: number[]): MapCluster => ({
  id, size: reps.length, x: id, y: -id, centroid: Float32Array.from([id, 0.5]), label: 'c', labelShare: 1, representatives: reps,
});

function build(maps: MapStore, modelId: number, ids: number[], shift: number): number {
  const id = maps.begin(modelId, { k: 2 });
  maps.writePoints(id, {
    imageIds: Uint32Array.from(ids), x: Float32Array.from(ids, (v) => v + shift), y: Float32Array.from(ids, (v) => -v),
    cluster: Int32Array.from(ids, (v) => v % 2),
  });
  maps.writeClusters(id, [cluster(0, [ids[0]!]), cluster(1, [ids[1]!])]);
  return id;
}

describe('map versions', () => {
  it('become current only when published, and a half-built one leaves the old one current', () => {
    const { store, maps, modelId, ids } = storeWithImages(4);
    expect(maps.loadCurrent()).toBeUndefined();
    const first = build(maps, modelId, ids, 0);
    expect(maps.currentId()).toBeUndefined();
    maps.publish(first, { k: 2, seconds: 1 });
    const second = build(maps, modelId, ids, 100);
    expect(maps.currentId()).toBe(first);
    const current = maps.loadCurrent()!;
    expect(Array.from(current.imageIds)).toEqual(ids);
    expect(Array.from(current.x)).toEqual(ids);
    expect(current.clusters.map((c) => c.id)).toEqual([0, 1]);
    expect(Array.from(current.clusters[1]!.centroid)).toEqual([1, 0.5]);
    expect(current.config).toEqual({ k: 2, seconds: 1 });

    // A new builder finds the dead one and marks it failed; the current map is untouched.
    const third = build(maps, modelId, ids, 200);
    expect(store.db.prepare('SELECT status FROM maps WHERE id = ?').pluck().get(second)).toBe('failed');
    maps.publish(third, { k: 2 });
    expect(maps.currentId()).toBe(third);
    expect(maps.loadCurrent()!.x[0]).toBe(ids[0]! + 200);
    store.close();
  });

  it('keep only the current and the previous version', () => {
    const { store, maps, modelId, ids } = storeWithImages(3);
    const versions = [0, 1, 2].map((s) => {
      const id = build(maps, modelId, ids, s);
      maps.publish(id, {});
      return id;
    });
    expect(store.db.prepare('SELECT id FROM maps ORDER BY id').pluck().all()).toEqual(versions.slice(1));
    store.close();
  });

  it('drop points of removed images and refuse to publish twice', () => {
    const { store, maps, modelId, ids } = storeWithImages(3);
    const id = build(maps, modelId, ids, 0);
    maps.publish(id, {});
    store.removeImages([ids[1]!]);
    expect(Array.from(maps.loadCurrent()!.imageIds)).toEqual([ids[0], ids[2]]);
    expect(() => maps.publish(id, {})).toThrow(/not being built/);
    expect(() => maps.load(999)).toThrow(/does not exist/);
    store.close();
  });
});
