import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, MODEL_CACHE, cifarImages, lookalike, tempDir } from '../helpers/fixtures.js';
import { vectorStore } from '../helpers/vector-store.js';

function mapRows(db: string): Array<{ id: number; status: string; error: string | null }> {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('SELECT id, status, error FROM maps ORDER BY id').all() as Array<{ id: number; status: string; error: string | null }>;
  } finally {
    conn.close();
  }
}

function currentMap(db: string): number {
  const conn = new Database(db, { readonly: true });
  try {
    return Number(conn.prepare(`SELECT value FROM meta WHERE key = 'current_map'`).pluck().get());
  } finally {
    conn.close();
  }
}

describe('lookalike map', () => {
  it('maps indexed CIFAR-10 images: clusters follow the folders', () => {
    const root = tempDir('map-cifar');
    cifarImages(root, ['airplane', 'frog'], 30);
    const db = join(tempDir('map-cifar-db'), 'l.db');
    expect(lookalike(['index', root, '--db', db, '--quiet']).code).toBe(0);
    const r = lookalike(['map', '--db', db, '--clusters', '2', '--json', '--threads', '1']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { mapId: number; points: number; clusters: number; seconds: Record<string, number> };
    expect(result).toMatchObject({ mapId: 1, points: 60, clusters: 2 });
    expect(Object.keys(result.seconds)).toEqual(expect.arrayContaining(['load', 'pca', 'kmeans', 'tsne', 'describe', 'write', 'total']));
    expect(r.stderr).toMatch(/^load…$[\s\S]*^kmeans…$[\s\S]*^optimize…$/m);
    const conn = new Database(db, { readonly: true });
    const clusters = conn.prepare('SELECT label, label_share AS share, size FROM map_clusters WHERE map_id = 1 ORDER BY label').all() as Array<{ label: string; share: number; size: number }>;
    conn.close();
    expect(clusters.map((c) => c.label)).toEqual(['airplane', 'frog']);
    for (const c of clusters) expect(c.share).toBeGreaterThan(0.8);

    const text = lookalike(['map', '--db', db, '--clusters', 'auto', '--threads', '1', '--quiet']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^map 2: 60 images in 5 clusters, [\d.]+ s \(load [\d.]+, pca [\d.]+, k-means [\d.]+, t-SNE [\d.]+/);
    expect(text.stderr).toBe('');
  });

  it('explains bad usage and an empty or missing database', () => {
    expect(lookalike(['map', '--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^lookalike map \[options\]/) });
    const v = vectorStore(20, { dims: 8 });
    v.store.close();
    for (const [args, message] of [
      [['--clusters', '0'], /--clusters must be an integer from 1/],
      [['--clusters', 'many'], /--clusters must be an integer from 1 .* got "many"/],
      [['--clusters', '21'], /clusters must be at most the number of indexed images \(20\), got 21/],
      [['--device', 'tpu'], /--device must be auto, cpu or cuda/],
      [['--seed=0'], /--seed must be an integer from 1/],
      [['extra'], /usage: lookalike map/],
    ] as const) {
      const r = lookalike(['map', '--db', v.path, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const missing = lookalike(['map', '--db', join(tempDir('map-none'), 'none.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no database at .*none\.db/);
    const fresh = vectorStore(4, { dims: 8 });
    fresh.store.db.prepare('DELETE FROM images').run();
    fresh.store.close();
    const empty = lookalike(['map', '--db', fresh.path]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/nothing is indexed yet/);
    expect(mapRows(v.path)).toEqual([]);
  });

  it('killed (SIGKILL) during t-SNE, leaves the previous map current; the next build takes over', async () => {
    const v = vectorStore(4000, { dims: 32, clusters: 8, spread: 4 });
    v.store.close();
    const first = lookalike(['map', '--db', v.path, '--quiet', '--threads', '1']);
    expect(first.code, first.stderr).toBe(0);

    const child = spawn(process.execPath, [CLI, 'map', '--db', v.path, '--seed', '2', '--threads', '1'], {
      env: { ...process.env, LOOKALIKE_MODEL_CACHE: MODEL_CACHE }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^optimize…$/m.test(stderr)) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');
    expect(stderr).toMatch(/optimize…/);
    expect(stderr).not.toMatch(/write…/);
    expect(currentMap(v.path)).toBe(1);
    expect(mapRows(v.path)).toEqual([{ id: 1, status: 'done', error: null }, { id: 2, status: 'building', error: null }]);

    const again = lookalike(['map', '--db', v.path, '--quiet', '--json', '--threads', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(currentMap(v.path)).toBe(3);
    expect(mapRows(v.path).map((m) => [m.id, m.status])).toEqual([[1, 'done'], [3, 'done']]);
  });
});
