import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMap } from '../../src/core/map-format.js';
import type { JobStatus } from '../../src/core/job-status.js';
import { cifarImages, tempDir } from '../helpers/fixtures.js';
import { testServer, uploadForm, type ErrorBody, type SearchBody } from '../helpers/server.js';

const TOKEN = 'test-admin-token-42';
const auth = { Authorization: `Bearer ${TOKEN}` };
let server: Awaited<ReturnType<typeof testServer>>;
let root: string;
let dbPath: string;

beforeAll(async () => {
  root = tempDir('http-admin');
  cifarImages(root, ['airplane', 'cat', 'frog', 'ship'], 30);
  dbPath = join(tempDir('http-admin-db'), 'l.db');
  server = await testServer({ dbPath, images: root, adminToken: TOKEN });
});
afterAll(async () => {
  await server?.close();
});

const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`${server.url}/api${path}`, init);

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as ErrorBody;
  return { status: res.status, code: body.error.code, message: body.error.message };
}

async function startJob(): Promise<string> {
  const res = await api('/admin/reindex', { method: 'POST', headers: auth });
  expect(res.status).toBe(202);
  const { jobId } = (await res.json()) as { jobId: string };
  expect(res.headers.get('location')).toBe(`/api/admin/jobs/${jobId}`);
  return jobId;
}

async function status(id: string): Promise<JobStatus> {
  return (await (await api(`/admin/jobs/${id}`, { headers: auth })).json()) as JobStatus;
}

async function waitFor(id: string, until: (s: JobStatus) => boolean, timeoutMs = 120_000): Promise<JobStatus> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(id);
    if (until(s)) return s;
    if (Date.now() > end) throw new Error(`job ${id} still ${s.state}/${s.phase}`);
    await sleep(50);
  }
}

async function topHit(path: string): Promise<SearchBody['results'][number]> {
  const res = await api('/search', { method: 'POST', body: uploadForm(readFileSync(join(root, path)), 'q.jpg', 3) });
  expect(res.status).toBe(200);
  return ((await res.json()) as SearchBody).results[0]!;
}

describe('admin authentication', () => {
  it('off without a token (403 saying how to turn it on), 401 for a missing or wrong token', async () => {
    const open = await testServer({ dbPath });
    try {
      const off = await errorOf(await fetch(`${open.url}/api/admin/reindex`, { method: 'POST', headers: auth }));
      expect(off).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(off.message).toMatch(/LOOKALIKE_ADMIN_TOKEN/);
      expect((await fetch(`${open.url}/api/admin/jobs/1`)).status).toBe(403);
    } finally {
      await open.close();
    }
    const missing = await api('/admin/reindex', { method: 'POST' });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await errorOf(missing)).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    for (const header of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer x', `Basic ${TOKEN}`, TOKEN]) {
      expect(await errorOf(await api('/admin/reindex', { method: 'POST', headers: { Authorization: header } }))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    }
    expect(await errorOf(await api('/admin/jobs/1', { headers: { Authorization: 'Bearer wrong-token-value' } }))).toMatchObject({ status: 401 });
    expect(await errorOf(await api('/admin/jobs/999', { headers: auth }))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('a reindex while clients search', () => {
  it('20 concurrent clients see no failure; results switch to the new index and map when the job completes', async () => {
    const before = (await (await api('/health')).json()) as { index: { size: number }; map: { id: number } };
    expect(before.index.size).toBe(120);
    cifarImages(root, ['truck'], 30);
    expect((await topHit('truck/0004.jpg')).path).not.toBe('truck/0004.jpg');

    const jobId = await startJob();
    expect(await errorOf(await api('/admin/reindex', { method: 'POST', headers: auth }))).toMatchObject({ status: 409, code: 'BUSY' });

    const events = fetch(`${server.url}/api/admin/jobs/${jobId}/events`, { headers: auth }).then(async (res) => {
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      return res.text();
    });

    const queries = ['airplane/0001.jpg', 'cat/0002.jpg', 'frog/0003.jpg', 'ship/0004.jpg'].map((p) => readFileSync(join(root, p)));
    let running = true;
    const outcomes: number[] = [];
    const seen: JobStatus[] = [];
    const client = async (c: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const kind = (c + i) % 3;
        const res = kind === 0
          ? await api('/search', { method: 'POST', body: uploadForm(queries[(c + i) % queries.length]!) })
          : kind === 1 ? await api(`/images/${1 + ((c * 7 + i) % 120)}/similar?k=5`) : await api('/map');
        await res.arrayBuffer();
        outcomes.push(res.status);
      }
    };
    const clients = Array.from({ length: 20 }, (_, c) => client(c));
    const final = await waitFor(jobId, (s) => {
      seen.push(s);
      return s.state !== 'running';
    });
    running = false;
    await Promise.all(clients);

    expect(final).toMatchObject({ state: 'done', summary: { added: 30, unchanged: 120, indexed: 150, mapAction: 'built' } });
    expect(outcomes.length).toBeGreaterThan(40);
    expect(outcomes.filter((s) => s !== 200)).toEqual([]);
    const embedding = seen.filter((s) => s.phase === 'embedding' && s.done > 0);
    if (embedding.length > 0) expect(embedding.some((s) => s.total === 30 && s.rate! > 0 && s.etaSeconds !== null)).toBe(true);

    // Switched: the new images are found, the health and the map show them.
    const hit = await topHit('truck/0004.jpg');
    expect(hit.path).toBe('truck/0004.jpg');
    expect(hit.score).toBeGreaterThan(0.999);
    const after = (await (await api('/health')).json()) as { index: { size: number }; map: { id: number; points: number } };
    expect(after.index.size).toBe(150);
    expect(after.map.id).not.toBe(before.map.id);
    expect(decodeMap(await (await api('/map')).arrayBuffer()).header.count).toBe(150);

    const stream = await events;
    const kinds = [...stream.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds[0]).toBe('progress');
    expect(kinds.at(-1)).toBe('end');
    const last = JSON.parse([...stream.matchAll(/^data: (.*)$/gm)].at(-1)![1]!) as JobStatus;
    expect(last).toMatchObject({ id: jobId, state: 'done' });
    // A finished job's stream is its final state, at once.
    expect(await (await api(`/admin/jobs/${jobId}/events`, { headers: auth })).text()).toMatch(/^event: end$/m);
    expect(server.logs.some((l) => l === `job ${jobId} done`)).toBe(true);
  });

  it('a cancelled job leaves the previous index serving, and the next one resumes', async () => {
    cifarImages(root, ['horse'], 40);
    const jobId = await startJob();
    await waitFor(jobId, (s) => s.phase === 'embedding' || s.state !== 'running');
    const cancel = await api(`/admin/jobs/${jobId}`, { method: 'DELETE', headers: auth });
    expect(cancel.status).toBe(202);
    const final = await waitFor(jobId, (s) => s.state !== 'running');
    expect(final.state).toBe('cancelled');
    expect(await errorOf(await api(`/admin/jobs/${jobId}`, { method: 'DELETE', headers: auth }))).toMatchObject({ status: 409, code: 'BUSY' });
    expect(((await (await api('/health')).json()) as { index: { size: number } }).index.size).toBe(150);
    expect((await topHit('cat/0001.jpg')).path).toBe('cat/0001.jpg');

    const next = await waitFor(await startJob(), (s) => s.state !== 'running');
    expect(next.state).toBe('done');
    expect(next.summary!.added + next.summary!.unchanged).toBe(190);
    expect(next.summary!.indexed).toBe(190);
    expect((await topHit('horse/0007.jpg')).path).toBe('horse/0007.jpg');
  });
});
