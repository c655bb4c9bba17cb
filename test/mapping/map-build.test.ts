import { describe, expect, it } from 'vitest';
import { LookalikeError } from '../../src/core/errors.js';
import { adjustedRandIndex } from '../../src/evaluation/clustering.js';
import { buildMap } from '../../src/mapping/map-build.js';
import { REPRESENTATIVES } from '../../src/mapping/cluster-describe.js';
import { MapStore, type LoadedMap } from '../../src/store/map-store.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/fixtures.js';
import { vectorStore } from '../helpers/vector-store.js';
import { join } from 'node:path';

const N = 600;
const fast = { threads: 2, device: 'cpu' } as const;

/** Blob label of each map point, from its image path. */
function blobOf(store: Store, map: LoadedMap): number[] {
  const info = store.imagesByIds([...map.imageIds]);
  return [...map.imageIds].map((id) => Number(/blob(\d+)/.exec(info.get(id)!.path)![1]));
}

/** Share of each point's 10 nearest map points (2-D) with the same label. */
function neighbourAgreement(map: LoadedMap, labels: number[], rows: number[]): number {
  let agree = 0;
  for (const i of rows) {
    const near = [...map.imageIds.keys()].filter((j) => j !== i)
      .map((j) => [(map.x[j]! - map.x[i]!) ** 2 + (map.y[j]! - map.y[i]!) ** 2, j] as const)
      .sort((a, b) => a[0] - b[0]).slice(0, 10);
    agree += near.filter(([, j]) => labels[j] === labels[i]).length / 10;
  }
  return agree / rows.length;
}

async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LookalikeError);
  expect((err as LookalikeError).code).toBe(code);
  expect((err as Error).message).toMatch(message);
}

describe('buildMap', () => {
  it('clusters and lays out separated blobs, describes the clusters and publishes the map', async () => {
    const { store } = vectorStore(N, { clusters: 5 });
    const phases: string[] = [];
    const result = await buildMap(store, { ...fast, clusters: 5, onProgress: (p) => phases.push(p.phase) });
    expect(result).toMatchObject({ points: N, clusters: 5 });
    expect(result.seconds.total).toBeGreaterThan(0);
    expect([...new Set(phases)]).toEqual(['load', 'pca', 'kmeans', 'knn', 'affinities', 'optimize', 'describe', 'write']);

    const map = new MapStore(store.db).loadCurrent()!;
    expect(map.id).toBe(result.mapId);
    expect(map.imageIds.length).toBe(N);
    const blob = blobOf(store, map);
    expect(adjustedRandIndex(map.cluster, blob)).toBe(1);
    expect(neighbourAgreement(map, blob, [...Array(N).keys()])).toBeGreaterThan(0.99);

    const row = new Map([...map.imageIds].map((id, i) => [id, i]));
    for (const c of map.clusters) {
      const members = [...map.imageIds.keys()].filter((i) => map.cluster[i] === c.id);
      expect(c.size).toBe(members.length);
      expect(c.label).toBe(`blob${blob[members[0]!]}`);
      expect(c.labelShare).toBe(1);
      expect(c.centroid.length).toBe(64); // in the model's space, comparable across builds
      expect(c.representatives.length).toBe(REPRESENTATIVES);
      for (const id of c.representatives) expect(map.cluster[row.get(id)!]).toBe(c.id);
      expect(c.x).toBeCloseTo(members.reduce((s, i) => s + map.x[i]!, 0) / members.length, 3);
      expect(c.y).toBeCloseTo(members.reduce((s, i) => s + map.y[i]!, 0) / members.length, 3);
    }
    store.close();
  });

  it('gives the same map for the same seed (and thread count: t-SNE sums in per-thread order)', async () => {
    const { store } = vectorStore(300, { clusters: 4, spread: 3 });
    const maps = new MapStore(store.db);
    const a = maps.load((await buildMap(store, { ...fast, seed: 3 })).mapId);
    const b = maps.load((await buildMap(store, { ...fast, seed: 3 })).mapId);
    expect(b.x).toEqual(a.x);
    expect(b.cluster).toEqual(a.cluster);
    expect(b.clusters.map((c) => c.representatives)).toEqual(a.clusters.map((c) => c.representatives));
    const c = maps.load((await buildMap(store, { ...fast, seed: 4 })).mapId);
    expect(c.x).not.toEqual(a.x);
    store.close();
  });

  it('keeps cluster ids across rebuilds: another seed, then 5% more images, then one more cluster', async () => {
    const v = vectorStore(N, { clusters: 6, extra: N / 20 });
    const maps = new MapStore(v.store.db);
    const first = maps.load((await buildMap(v.store, { ...fast, clusters: 6, seed: 1 })).mapId);
    const idOf = new Map([...first.imageIds].map((id, i) => [id, first.cluster[i]!]));
    const kept = (map: LoadedMap): number => [...map.imageIds].filter((id, i) => idOf.get(id) === map.cluster[i]).length;

    const reseeded = maps.load((await buildMap(v.store, { ...fast, clusters: 6, seed: 7 })).mapId);
    expect(kept(reseeded)).toBe(N);
    expect(reseeded.clusters.map((c) => c.label)).toEqual(first.clusters.map((c) => c.label));

    v.add(N, N + N / 20);
    const grown = maps.load((await buildMap(v.store, { ...fast, clusters: 6, seed: 2 })).mapId);
    expect(grown.imageIds.length).toBe(N + N / 20);
    expect(kept(grown)).toBe(N);
    // The new images join their blob's cluster, under its old id.
    const blob = blobOf(v.store, grown);
    const idOfBlob = new Map(first.clusters.map((c) => [c.label, c.id]));
    grown.imageIds.forEach((_, i) => expect(grown.cluster[i]).toBe(idOfBlob.get(`blob${blob[i]}`)));

    const finer = maps.load((await buildMap(v.store, { ...fast, clusters: 7 })).mapId);
    expect(finer.clusters.map((c) => c.id).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(kept(finer)).toBeGreaterThan(0.8 * N); // one blob splits in two: one half keeps the id
    v.store.close();
  });

  it('rejects bad inputs clearly and leaves the current map in place', async () => {
    const empty = Store.open(join(tempDir('map-empty'), 'e.db'));
    await rejects(buildMap(empty), 'NOTHING_INDEXED', /nothing is indexed yet/);
    empty.close();

    const v = vectorStore(40, { clusters: 2, dims: 8 });
    const maps = new MapStore(v.store.db);
    const current = (await buildMap(v.store, { ...fast, clusters: 2 })).mapId;
    await rejects(buildMap(v.store, { clusters: 41 }), 'BAD_ARGUMENT', /clusters must be at most the number of indexed images \(40\), got 41/);
    await rejects(buildMap(v.store, { clusters: 0 }), 'BAD_ARGUMENT', /clusters must be 'auto' or an integer of at least 1, got 0/);
    await rejects(buildMap(v.store, { clusters: NaN }), 'BAD_ARGUMENT', /got NaN/);
    await rejects(buildMap(v.store, { clusters: 2.5 }), 'BAD_ARGUMENT', /got 2\.5/);
    await rejects(buildMap(v.store, { seed: 0 }), 'BAD_ARGUMENT', /seed must be an integer/);
    await rejects(buildMap(v.store, { threads: -1 }), 'BAD_ARGUMENT', /threads must be an integer/);
    await rejects(buildMap(v.store, { device: 'tpu' as 'cpu' }), 'BAD_ARGUMENT', /device must be cpu, cuda or auto/);

    const bad = v.X.slice(0, 8);
    bad[3] = NaN;
    v.store.writeResults(v.modelId, [{ path: '/blobs/nan.png', sha256: 'x', bytes: 1, width: 1, height: 1, format: 'png', label: null, mtimeMs: 0, vector: bad, error: null }]);
    await rejects(buildMap(v.store, fast), 'BAD_ARGUMENT', /image \/blobs\/nan\.png has a non-finite vector value \(NaN\) at 3; reindex it/);
    expect(maps.currentId()).toBe(current);
    v.store.close();
  });

  it('stops when cancelled, marks the version failed and keeps the current map', async () => {
    const { store } = vectorStore(300, { clusters: 3 });
    const maps = new MapStore(store.db);
    const current = (await buildMap(store, fast)).mapId;
    const abort = new AbortController();
    const build = buildMap(store, { ...fast, signal: abort.signal, onProgress: (p) => p.phase === 'optimize' && p.done >= 50 && abort.abort() });
    await rejects(build, 'CANCELLED', /cancelled/);
    expect(maps.currentId()).toBe(current);
    expect(store.db.prepare(`SELECT status, error FROM maps WHERE id > ?`).all(current)).toEqual([{ status: 'failed', error: 'cancelled' }]);
    store.close();
  });
});
