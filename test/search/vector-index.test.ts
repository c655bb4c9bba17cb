import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageRecord, ModelRecipe } from '../../src/core/types.js';
import { VectorIndex } from '../../src/search/vector-index.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/fixtures.js';

const DIMS = 64;
const recipe: ModelRecipe = {
  name: 'synthetic', fingerprint: 'f1', dims: DIMS, layer: 'out', inputSize: 32,
  preprocessing: { inputSize: 32, layout: 'NHWC', mean: [0, 0, 0], std: [1, 1, 1], flip: false, power: false },
};

/** Deterministic unit vectors in 8 tight clusters, so true neighbours are unambiguous. */
function vectors(n: number, seed = 1): Float32Array[] {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const centres = Array.from({ length: 8 }, () => Float32Array.from({ length: DIMS }, rand));
  return Array.from({ length: n }, (_, i) => {
    const v = Float32Array.from(centres[i % 8]!, (x) => x + 0.05 * rand());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function fill(store: Store, vs: Float32Array[]): number {
  const modelId = store.ensureModel(recipe);
  const runId = store.startRun(modelId, '/data');
  const records: ImageRecord[] = vs.map((vector, i) => ({
    path: `c${i % 8}/${i}.jpg`, sha256: String(i), bytes: 1, width: 1, height: 1, format: 'jpeg', label: `c${i % 8}`,
    mtimeMs: 0, vector, error: null,
  }));
  store.writeResults(modelId, records);
  store.finishRun(runId, 'done', { added: vs.length, updated: 0, unchanged: 0, removed: 0, failed: 0 }, 0);
  return modelId;
}

describe('VectorIndex', () => {
  it('answers exactly below the threshold: every vector is its own nearest neighbour', async () => {
    const path = join(tempDir('vi'), 'l.db');
    const store = Store.open(path);
    const vs = vectors(200);
    fill(store, vs);
    const index = await VectorIndex.open(store, path);
    expect(index.kind).toBe('exact');
    const ids = store.db.prepare('SELECT id FROM images ORDER BY id').pluck().all() as number[];
    vs.forEach((v, i) => {
      const hits = index.search(v, 5);
      expect(hits[0]!.imageId).toBe(ids[i]);
      expect(hits[0]!.score).toBeCloseTo(1, 5);
      expect(hits.every((h) => (h.imageId - ids[0]!) % 8 === i % 8)).toBe(true); // same cluster
    });
    expect(existsSync(`${path}.usearch`)).toBe(false);
    // A query that is a view into a larger buffer (as vectors of a batch are) finds the same.
    const packed = new Float32Array(3 * DIMS);
    packed.set(vs[5]!, 2 * DIMS);
    expect(index.search(packed.subarray(2 * DIMS), 1)[0]!.imageId).toBe(ids[5]);
    store.close();
  });

  it('builds, persists and reuses an HNSW graph above it, rebuilding after a new run', async () => {
    const path = join(tempDir('vi'), 'l.db');
    const store = Store.open(path);
    const vs = vectors(500);
    fill(store, vs);
    const exact = await VectorIndex.open(store, path, { exactMax: 10_000 });
    const graph = await VectorIndex.open(store, path, { exactMax: 100 });
    expect(graph.kind).toBe('hnsw');
    expect(graph.size).toBe(500);
    const built = statSync(`${path}.usearch`).mtimeMs;
    let agree = 0;
    for (const v of vs.slice(0, 100)) {
      const a = exact.search(v, 10).map((h) => h.imageId);
      const b = graph.search(v, 10);
      expect(b[0]!.score).toBeCloseTo(1, 2); // f16 storage
      agree += b.filter((h) => a.includes(h.imageId)).length;
    }
    expect(agree / 1000).toBeGreaterThan(0.95); // recall@10 against exact search

    const reopened = await VectorIndex.open(store, path, { exactMax: 100 });
    expect(statSync(`${path}.usearch`).mtimeMs).toBe(built); // fresh: loaded, not rebuilt
    expect(reopened.search(vs[3]!, 1)[0]!.imageId).toBe(graph.search(vs[3]!, 1)[0]!.imageId);

    fill(store, vectors(3, 7)); // a new run rewrites three vectors: the graph is stale
    const rebuilt = await VectorIndex.open(store, path, { exactMax: 100 });
    expect(rebuilt.size).toBe(500);
    expect(JSON.parse(readFileSync(`${path}.usearch.json`, 'utf8'))).toMatchObject({ runId: 2 });
    store.close();
  });

  it('keeps the graph across a run that changed nothing, not across one that was cut short', async () => {
    const path = join(tempDir('vi'), 'l.db');
    const store = Store.open(path);
    const modelId = fill(store, vectors(300));
    await VectorIndex.open(store, path, { exactMax: 100 });
    const built = statSync(`${path}.usearch`).mtimeMs;
    const none = { added: 0, updated: 0, unchanged: 300, removed: 0, failed: 0 };
    store.finishRun(store.startRun(modelId, '/data'), 'done', none, 0);
    await VectorIndex.open(store, path, { exactMax: 100 });
    expect(statSync(`${path}.usearch`).mtimeMs).toBe(built);
    store.startRun(modelId, '/data'); // killed: left 'running', whatever it wrote
    store.finishRun(store.startRun(modelId, '/data'), 'done', none, 0);
    await VectorIndex.open(store, path, { exactMax: 100 });
    expect(JSON.parse(readFileSync(`${path}.usearch.json`, 'utf8'))).toMatchObject({ runId: 3 });
    store.close();
  });

  it('refuses a query of the wrong size and an empty store', async () => {
    const path = join(tempDir('vi'), 'l.db');
    const store = Store.open(path);
    await expect(VectorIndex.open(store, path)).rejects.toThrow(/nothing is indexed yet/);
    fill(store, vectors(10));
    const index = await VectorIndex.open(store, path);
    expect(() => index.search(new Float32Array(3), 1)).toThrow(/query has 3 dimensions, the index 64/);
    store.close();
  });
});
