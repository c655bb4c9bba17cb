import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobStatus } from '../../src/core/job-status.js';
import { CLI, MODEL_CACHE, cifarImages, tempDir } from '../helpers/fixtures.js';
import { uploadForm, type SearchBody } from '../helpers/server.js';

const TOKEN = 'restart-test-token';
const auth = { Authorization: `Bearer ${TOKEN}` };
const env = { ...process.env, LOOKALIKE_THREADS: '1', LOOKALIKE_MODEL_CACHE: MODEL_CACHE, LOOKALIKE_ADMIN_TOKEN: TOKEN };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `lookalike serve` as a user runs it; resolves with its URL once it listens. */
async function serve(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0', '--quiet'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, url };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function query<T>(db: string, sql: string): T {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare(sql).pluck().all() as T;
  } finally {
    conn.close();
  }
}

async function jobStatus(url: string, id: string): Promise<JobStatus> {
  return (await (await fetch(`${url}/api/admin/jobs/${id}`, { headers: auth })).json()) as JobStatus;
}

describe('a server killed during a reindex', () => {
  it('restarts on a consistent database, serving the previous map, and the next reindex resumes', async () => {
    const root = tempDir('http-restart');
    cifarImages(root, ['bird', 'truck'], 30);
    const db = join(tempDir('http-restart-db'), 'l.db');
    // As `npm start -- <folder>` runs it: the folder wins over --demo.
    const first = await serve(['--demo', root, '--db', db]);
    const health0 = (await (await fetch(`${first.url}/api/health`)).json()) as { index: { size: number }; map: { id: number } };
    expect(health0.index.size).toBe(60);

    cifarImages(root, ['deer', 'dog'], 60);
    const start = await fetch(`${first.url}/api/admin/reindex`, { method: 'POST', headers: auth });
    const { jobId } = (await start.json()) as { jobId: string };
    let s = await jobStatus(first.url, jobId);
    for (let i = 0; i < 2400 && !(s.phase === 'embedding' && s.done > 0); i++) {
      await sleep(25);
      s = await jobStatus(first.url, jobId);
    }
    expect(s.phase).toBe('embedding');
    const jobPid = Number(readFileSync(`${db}.lock`, 'utf8'));
    expect(alive(jobPid)).toBe(true);
    first.child.kill('SIGKILL');
    // The job process notices its server is gone and stops at once.
    for (let i = 0; i < 400 && alive(jobPid); i++) await sleep(25);
    expect(alive(jobPid)).toBe(false);

    expect(query<string[]>(db, 'PRAGMA integrity_check')).toEqual(['ok']);
    const partial = query<number[]>(db, 'SELECT COUNT(*) FROM embeddings')[0]!;
    expect(partial).toBeGreaterThan(60);
    expect(partial).toBeLessThan(180); // really killed mid-run
    expect(query<string[]>(db, 'SELECT status FROM index_runs ORDER BY id')).toEqual(['done', 'running']);
    expect(query<number[]>(db, `SELECT COUNT(*) FROM map_points WHERE map_id = (SELECT value FROM meta WHERE key = 'current_map')`)[0]).toBe(60);

    // Restarted without a folder: serves at once from what is committed, the old map current.
    const second = await serve(['--db', db]);
    const health1 = (await (await fetch(`${second.url}/api/health`)).json()) as { index: { size: number }; map: { id: number; points: number } };
    expect(health1.map).toMatchObject({ id: health0.map.id, points: 60 });
    expect(health1.index.size).toBe(partial);
    const hit = await fetch(`${second.url}/api/search`, { method: 'POST', body: uploadForm(readFileSync(join(root, 'bird/0003.jpg'))) });
    expect(((await hit.json()) as SearchBody).results[0]!.path).toBe('bird/0003.jpg');

    const again = await fetch(`${second.url}/api/admin/reindex`, { method: 'POST', headers: auth });
    expect(again.status).toBe(202);
    const { jobId: next } = (await again.json()) as { jobId: string };
    let done = await jobStatus(second.url, next);
    for (let i = 0; i < 2400 && done.state === 'running'; i++) {
      await sleep(50);
      done = await jobStatus(second.url, next);
    }
    expect(done).toMatchObject({ state: 'done', summary: { unchanged: partial, added: 180 - partial, indexed: 180, mapAction: 'built' } });
    const health2 = (await (await fetch(`${second.url}/api/health`)).json()) as { index: { size: number }; map: { id: number; points: number } };
    expect(health2.index.size).toBe(180);
    expect(health2.map.points).toBe(180);
    expect(query<string[]>(db, 'SELECT status FROM index_runs ORDER BY id')).toEqual(['done', 'interrupted', 'done']);

    const exited = new Promise<number | null>((resolve) => second.child.on('exit', (code) => resolve(code)));
    second.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});
