import { cpSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, type ImageModel } from '../../src/embed/model.js';
import { DEFAULT_LIMITS } from '../../src/embed/preprocess.js';
import { indexFolder, type IndexOptions } from '../../src/indexing/indexer.js';
import { blobToVector, Store } from '../../src/store/store.js';
import { cifarImages, tempDir } from '../helpers/fixtures.js';
import { testModel } from '../helpers/model.js';

let model: ImageModel;
beforeAll(async () => {
  model = await testModel();
});
afterAll(async () => {
  await model.close();
});

const opts = (root: string): IndexOptions => ({ root, batchSize: 4, maxFileBytes: 1 << 24, limits: DEFAULT_LIMITS });

function rows(store: Store): Array<{ path: string; sha256: string; status: string; label: string; width: number; format: string; vector: Float32Array }> {
  return (store.db.prepare(`SELECT i.path, i.sha256, i.status, i.label, i.width, i.format, e.vector FROM images i
      LEFT JOIN embeddings e ON e.image_id = i.id ORDER BY i.path`).all() as Array<Record<string, unknown>>)
    .map((r) => ({ ...r, vector: r.vector ? blobToVector(r.vector as Buffer) : null })) as never;
}

describe('indexFolder', () => {
  it('stores one normalised vector per image with hash, size, format and folder label', async () => {
    const root = tempDir('idx');
    cifarImages(root, ['cat', 'ship'], 3);
    const store = Store.open(join(tempDir('db'), 'l.db'));
    const s = await indexFolder(store, model, opts(root));
    expect(s).toMatchObject({ added: 6, updated: 0, unchanged: 0, removed: 0, failed: 0, indexed: 6, interrupted: false });
    const all = rows(store);
    expect(all.map((r) => r.path)).toEqual(['cat/0000.jpg', 'cat/0001.jpg', 'cat/0002.jpg', 'ship/0000.jpg', 'ship/0001.jpg', 'ship/0002.jpg']);
    for (const r of all) {
      expect(r).toMatchObject({ status: 'ok', width: 32, format: 'jpeg', label: r.path.split('/')[0] });
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.vector).toHaveLength(model.recipe.dims);
      const norm = Math.hypot(...r.vector);
      expect(norm).toBeCloseTo(1, 5);
    }
    store.close();
  });

  it('reindexes incrementally: embeds added and changed files, drops deleted ones, skips the rest', async () => {
    const root = tempDir('idx');
    cifarImages(root, ['cat', 'dog'], 3);
    const store = Store.open(join(tempDir('db'), 'l.db'));
    await indexFolder(store, model, opts(root));
    const before = new Map(rows(store).map((r) => [r.path, r]));

    cifarImages(root, ['ship'], 2); // added
    cpSync(join(root, 'dog/0000.jpg'), join(root, 'cat/0001.jpg')); // changed content
    rmSync(join(root, 'dog/0002.jpg')); // deleted
    utimesSync(join(root, 'cat/0002.jpg'), new Date(), new Date(Date.now() + 5000)); // touched, same bytes
    const s = await indexFolder(store, model, opts(root));
    expect(s).toMatchObject({ added: 2, updated: 1, unchanged: 4, removed: 1, failed: 0, indexed: 7 });

    const after = new Map(rows(store).map((r) => [r.path, r]));
    expect([...after.keys()]).toEqual(['cat/0000.jpg', 'cat/0001.jpg', 'cat/0002.jpg', 'dog/0000.jpg', 'dog/0001.jpg', 'ship/0000.jpg', 'ship/0001.jpg']);
    expect(after.get('cat/0001.jpg')!.sha256).toBe(before.get('dog/0000.jpg')!.sha256);
    expect(Array.from(after.get('cat/0001.jpg')!.vector)).toEqual(Array.from(before.get('dog/0000.jpg')!.vector));
    expect(Array.from(after.get('cat/0000.jpg')!.vector)).toEqual(Array.from(before.get('cat/0000.jpg')!.vector));

    const third = await indexFolder(store, model, opts(root));
    expect(third).toMatchObject({ added: 0, updated: 0, unchanged: 7, removed: 0, failed: 0 });
    const runs = store.db.prepare('SELECT status, added, updated, removed FROM index_runs ORDER BY id').all();
    expect(runs).toEqual([
      { status: 'done', added: 6, updated: 0, removed: 0 },
      { status: 'done', added: 2, updated: 1, removed: 1 },
      { status: 'done', added: 0, updated: 0, removed: 0 },
    ]);
    store.close();
  });

  it('refuses to mix two folders in one database and reports a missing folder', async () => {
    const store = Store.open(join(tempDir('db'), 'l.db'));
    const a = tempDir('idx');
    cifarImages(a, ['cat'], 1);
    await indexFolder(store, model, opts(a));
    await expect(indexFolder(store, model, opts(tempDir('idx')))).rejects.toThrow(/this database indexes/);
    await expect(indexFolder(store, model, opts(join(a, 'missing')))).rejects.toThrow(/cannot read folder/);
    store.close();
  });

  it('stops between batches when aborted and finishes on the next run', async () => {
    const root = tempDir('idx');
    cifarImages(root, ['cat', 'dog'], 6);
    const store = Store.open(join(tempDir('db'), 'l.db'));
    const abort = new AbortController();
    const first = await indexFolder(store, model, { ...opts(root), signal: abort.signal, onProgress: () => abort.abort() });
    expect(first.interrupted).toBe(true);
    expect(first.added).toBe(4);
    const second = await indexFolder(store, model, opts(root));
    expect(second).toMatchObject({ added: 8, unchanged: 4, interrupted: false, indexed: 12 });
    expect(store.db.prepare('SELECT status FROM index_runs ORDER BY id').pluck().all()).toEqual(['interrupted', 'done']);
    store.close();
  });

  it('keeps the previous vector of a file that turns corrupt out of search and says why', async () => {
    const root = tempDir('idx');
    cifarImages(root, ['cat'], 2);
    const store = Store.open(join(tempDir('db'), 'l.db'));
    await indexFolder(store, model, opts(root));
    writeFileSync(join(root, 'cat/0001.jpg'), 'no longer a jpeg');
    const s = await indexFolder(store, model, opts(root));
    expect(s).toMatchObject({ failed: 1, indexed: 1 });
    expect(store.failedImages()).toEqual([{ path: 'cat/0001.jpg', error: expect.stringMatching(/not a readable image/) }]);
    store.close();
  });
});

describe('a recipe change', () => {
  it('re-embeds every image once under the new recipe, then nothing, and serves only its vectors', async () => {
    const root = tempDir('idx');
    cifarImages(root, ['bird', 'deer'], 3);
    const store = Store.open(join(tempDir('db'), 'l.db'));
    await indexFolder(store, model, opts(root));
    const other = await testModel({ ...DEFAULT_SPEC, preprocessing: { ...DEFAULT_SPEC.preprocessing, inputSize: 64, flip: false } });
    try {
      expect(other.recipe.fingerprint).not.toBe(model.recipe.fingerprint);
      expect(await indexFolder(store, other, opts(root))).toMatchObject({ added: 0, updated: 6, unchanged: 0, indexed: 6 });
      expect(await indexFolder(store, other, opts(root))).toMatchObject({ updated: 0, unchanged: 6 });
      expect(store.servingModel()!.fingerprint).toBe(other.recipe.fingerprint);
      expect(store.db.prepare('SELECT COUNT(*) FROM embeddings').pluck().get()).toBe(6); // the old recipe's vectors are gone
    } finally {
      await other.close();
    }
    store.close();
  });
});
