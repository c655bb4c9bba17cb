import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, MODEL_CACHE, cifarImages, tempDir } from '../helpers/fixtures.js';

const env = { ...process.env, LOOKALIKE_THREADS: '1', LOOKALIKE_MODEL_CACHE: MODEL_CACHE };

function indexSync(root: string, db: string) {
  return spawnSync(process.execPath, [CLI, 'index', root, '--db', db, '--batch', '8', '--json'], { encoding: 'utf8', env });
}

/** Images with their vectors, as comparable rows. */
function snapshot(db: string) {
  const conn = new Database(db, { readonly: true });
  const rows = conn.prepare(`SELECT i.path, i.sha256, i.bytes, i.width, i.height, i.format, i.label, i.status, e.vector
      FROM images i LEFT JOIN embeddings e ON e.image_id = i.id ORDER BY i.path`).all() as Array<Record<string, unknown>>;
  conn.close();
  return rows;
}

function okCount(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    const conn = new Database(db, { readonly: true });
    try {
      return conn.prepare(`SELECT COUNT(*) FROM embeddings`).pluck().get() as number;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // not created yet
  }
}

describe('a run killed mid-way', () => {
  it('resumes to the same rows and vectors as an uninterrupted run', async () => {
    const root = tempDir('kill');
    const total = cifarImages(root, ['airplane', 'bird', 'frog', 'horse'], 40).length;
    const reference = join(tempDir('killdb'), 'ref.db');
    expect(indexSync(root, reference).status).toBe(0);

    const db = join(tempDir('killdb'), 'killed.db');
    const child = spawn(process.execPath, [CLI, 'index', root, '--db', db, '--batch', '8', '--quiet'], { env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let seen = 0;
    for (let i = 0; i < 600 && seen < 24; i++) {
      await sleep(25);
      seen = okCount(db);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const partial = okCount(db);
    expect(partial).toBeGreaterThanOrEqual(24);
    expect(partial).toBeLessThan(total); // really killed mid-run
    expect(existsSync(`${db}.lock`)).toBe(true); // left behind by the killed writer

    const rerun = indexSync(root, db);
    expect(rerun.status, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout) as { added: number; unchanged: number; indexed: number };
    expect(summary.unchanged).toBe(partial);
    expect(summary.added).toBe(total - partial);
    expect(summary.indexed).toBe(total);

    const got = snapshot(db);
    const want = snapshot(reference);
    expect(got.map(({ vector, ...r }) => r)).toEqual(want.map(({ vector, ...r }) => r));
    got.forEach((r, i) => expect(Buffer.compare(r.vector as Buffer, want[i]!.vector as Buffer), String(r.path)).toBe(0));

    const conn = new Database(db, { readonly: true });
    expect(conn.prepare('SELECT status FROM index_runs ORDER BY id').pluck().all()).toEqual(['interrupted', 'done']);
    conn.close();
  });

  it('refuses a second writer while the first runs', async () => {
    const root = tempDir('kill');
    cifarImages(root, ['deer', 'dog'], 40);
    const db = join(tempDir('killdb'), 'busy.db');
    const first = spawn(process.execPath, [CLI, 'index', root, '--db', db, '--batch', '4', '--quiet'], { env, stdio: 'ignore' });
    const done = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !existsSync(`${db}.lock`); i++) await sleep(10);
    const second = indexSync(root, db);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/another lookalike process \(pid \d+\) is indexing/);
    expect(await done).toBe(0);
  });
});
