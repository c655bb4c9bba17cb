import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, ensureConvertedModel } from '../../src/embed/default-model.js';
import { cifarImages, lookalike, tempDir } from '../helpers/fixtures.js';

function dbPath(): string {
  return join(tempDir('clidb'), 'lookalike.db');
}

describe('lookalike CLI', () => {
  let root: string;
  let db: string;
  beforeAll(() => {
    root = tempDir('cli');
    cifarImages(root, ['cat', 'ship', 'truck'], 4);
    db = dbPath();
    const r = lookalike(['index', root, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('prints help for itself and every command', () => {
    for (const args of [['--help'], ['index', '--help'], ['search', '--help'], ['embed', '--help']]) {
      const r = lookalike(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/lookalike/);
      expect(r.stdout).toMatch(/Exit status/);
    }
  });

  it('exits 2 on bad usage with one line on stderr', () => {
    for (const args of [[], ['frobnicate'], ['index'], ['index', root, '--bogus'], ['search', 'x.jpg', '--k', 'ten'], ['index', root, '--layout', 'CHW']]) {
      const r = lookalike(args);
      expect(r.code, args.join(' ')).toBe(2);
      if (args.length > 0) expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('indexes, reports a JSON summary, and finds an indexed image as its own nearest neighbour', () => {
    const again = lookalike(['index', root, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, unchanged: 12, removed: 0, failed: 0, indexed: 12 });
    const r = lookalike(['search', join(root, 'ship/0002.jpg'), '--db', db, '--k', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Array<{ path: string; label: string; score: number }> };
    expect(out.results).toHaveLength(5);
    expect(out.results[0]).toMatchObject({ path: 'ship/0002.jpg', label: 'ship' });
    expect(out.results[0]!.score).toBeCloseTo(1, 4);
    const scores = out.results.map((x) => x.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const text = lookalike(['search', join(root, 'cat/0001.jpg'), '--db', db, '--k', '2']);
    expect(text.stdout.split('\n')[0]).toMatch(/^1\.0000 +cat +.*cat\/0001\.jpg$/);
  });

  it('prints one image vector', () => {
    const r = lookalike(['embed', join(root, 'cat/0000.jpg'), '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dims: number; vector: number[] };
    expect(out.vector).toHaveLength(out.dims);
    expect(Math.hypot(...out.vector)).toBeCloseTo(1, 5);
  });

  it('runs any ONNX model given by path, and searches with the recipe the index was built with', async () => {
    const dir = tempDir('cli');
    // The default graph again, but as a plain float-input model file: the vectors must agree.
    const converted = await ensureConvertedModel(join(dir, 'conv'), { globalPool: true });
    const custom = join(dir, 'custom.onnx');
    copyFileSync(converted, custom);
    const image = join(root, 'truck/0003.jpg');
    const mine = lookalike(['embed', image, '--model', custom, '--output', DEFAULT_MODEL.featureNode, '--json']);
    expect(mine.code, mine.stderr).toBe(0);
    const base = lookalike(['embed', image, '--recipe', 'feature', '--json']);
    const a = (JSON.parse(mine.stdout) as { vector: number[] }).vector;
    const b = (JSON.parse(base.stdout) as { vector: number[] }).vector;
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThan(1e-5);

    const customDb = dbPath();
    expect(lookalike(['index', root, '--db', customDb, '--model', custom, '--input-size', '96']).code).toBe(0);
    const found = lookalike(['search', image, '--db', customDb, '--k', '1', '--json']);
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout).results[0]).toMatchObject({ path: 'truck/0003.jpg' });
    copyFileSync(await ensureConvertedModel(join(dir, 'conv'), { globalPool: true, byteInput: true }), custom);
    const changed = lookalike(['search', image, '--db', customDb]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/changed since the index was built/);
    writeFileSync(custom, 'not a model');
    const broken = lookalike(['search', image, '--db', customDb]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/cannot load ONNX model/);
  });

  it('fails with one clear line for a missing folder, an unwritable database, a non-image query', () => {
    const missing = lookalike(['index', join(root, 'nope'), '--db', dbPath()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^lookalike: cannot read folder .*nope: ENOENT/);
    const unwritable = lookalike(['index', root, '--db', '/dev/null/x.db']);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr.trim()).toMatch(/^lookalike: cannot open database \/dev\/null\/x.db/);
    const text = join(tempDir('cli'), 'q.jpg');
    writeFileSync(text, 'hello');
    const query = lookalike(['search', text, '--db', db]);
    expect(query.code).toBe(1);
    expect(query.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lookalike: .*q\.jpg: not a readable image/)]);
    const noDb = lookalike(['search', join(root, 'cat/0000.jpg'), '--db', join(tempDir('cli'), 'none.db')]);
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toMatch(/no database at/);
  });

  it('exits 1 when nothing could be indexed, listing why', () => {
    const bad = tempDir('cli');
    writeFileSync(join(bad, 'a.jpg'), 'not an image');
    const r = lookalike(['index', bad, '--db', dbPath()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed {2}a\.jpg: not a readable image/);
    expect(r.stderr).toMatch(/no image could be indexed/);
    const empty = lookalike(['index', tempDir('cli'), '--db', dbPath()]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no images found/);
  });
});
