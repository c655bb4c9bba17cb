import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMap } from '../../src/core/map-format.js';
import { cifarImages, tempDir } from '../helpers/fixtures.js';
import { testServer, uploadForm, type ErrorBody, type SearchBody } from '../helpers/server.js';

const CLASSES = ['airplane', 'automobile', 'frog', 'ship'];
let server: Awaited<ReturnType<typeof testServer>>;
let root: string;
let dbPath: string;
let publicDir: string;

beforeAll(async () => {
  root = tempDir('http-api');
  cifarImages(root, CLASSES, 40);
  dbPath = join(tempDir('http-api-db'), 'l.db');
  publicDir = join(tempDir('http-api-public'), 'public');
  server = await testServer({ dbPath, images: root, publicDir, maxUploadBytes: 2 * 1024 * 1024 });
});
afterAll(async () => {
  await server?.close();
});

const get = (path: string, init?: RequestInit): Promise<Response> => fetch(`${server.url}${path}`, init);
const search = (body: FormData | string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${server.url}/api/search`, { method: 'POST', body, ...init });

async function expectError(res: Response, status: number, code: string, message?: RegExp): Promise<void> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error.message).toBe('string');
  if (message) expect(body.error.message).toMatch(message);
}

/** The id of the image at a path, through the API. */
async function idOf(path: string): Promise<number> {
  const bytes = readFileSync(join(root, path));
  const body = (await (await search(uploadForm(bytes), {})).json()) as SearchBody;
  const hit = body.results.find((r) => r.path === path);
  if (!hit) throw new Error(`${path} not found by its own upload`);
  return hit.id;
}

describe('search', () => {
  it('an upload of an indexed image returns itself first, score ≈ 1, and mostly its own class', async () => {
    let sameClass = 0;
    let neighbours = 0;
    for (const cls of CLASSES) {
      for (const n of ['0003', '0017']) {
        const path = `${cls}/${n}.jpg`;
        const res = await search(uploadForm(readFileSync(join(root, path)), `${n}.jpg`, 11));
        expect(res.status).toBe(200);
        const body = (await res.json()) as SearchBody;
        expect(body.results).toHaveLength(11);
        expect(body.results[0]!.path).toBe(path);
        expect(body.results[0]!.score).toBeGreaterThan(0.999);
        expect(body.results[0]!.thumbUrl).toBe(`/api/images/${body.results[0]!.id}/thumb`);
        const scores = body.results.map((r) => r.score);
        expect([...scores].sort((a, b) => b - a)).toEqual(scores);
        for (const r of body.results.slice(1)) {
          neighbours++;
          if (r.label === cls) sameClass++;
        }
      }
    }
    // Four classes: chance is 25 %.
    expect(sameClass / neighbours).toBeGreaterThan(0.5);
  });

  it('k from the form or the query, 12 by default', async () => {
    const bytes = readFileSync(join(root, 'frog/0001.jpg'));
    expect(((await (await search(uploadForm(bytes))).json()) as SearchBody).results).toHaveLength(12);
    const byQuery = await fetch(`${server.url}/api/search?k=3`, { method: 'POST', body: uploadForm(bytes) });
    expect(((await byQuery.json()) as SearchBody).results).toHaveLength(3);
    expect(((await (await search(uploadForm(bytes, 'q.jpg', 5))).json()) as SearchBody).results).toHaveLength(5);
  });

  it('similar-by-id: the image itself left out, its neighbours by descending score', async () => {
    const id = await idOf('ship/0005.jpg');
    const res = await get(`/api/images/${id}/similar?k=8`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as SearchBody;
    expect(body.results).toHaveLength(8);
    expect(body.results.map((r) => r.id)).not.toContain(id);
    const fromUpload = ((await (await search(uploadForm(readFileSync(join(root, 'ship/0005.jpg')), 'q.jpg', 9))).json()) as SearchBody).results;
    // The same neighbours as the upload of the same file, which finds itself first.
    expect(body.results.map((r) => r.id)).toEqual(fromUpload.slice(1).map((r) => r.id));
  });
});

describe('images', () => {
  it('metadata, original bytes and a WebP thumbnail cached on disk, with ETag and Cache-Control', async () => {
    const id = await idOf('automobile/0002.jpg');
    const meta = (await (await get(`/api/images/${id}`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ id, path: 'automobile/0002.jpg', label: 'automobile', status: 'ok', width: 32, height: 32, format: 'jpeg' });
    expect(meta.fileUrl).toBe(`/api/images/${id}/file`);

    const file = await get(`/api/images/${id}/file`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('cache-control')).toMatch(/max-age/);
    const etag = file.headers.get('etag')!;
    expect(Buffer.from(await file.arrayBuffer()).equals(readFileSync(join(root, 'automobile/0002.jpg')))).toBe(true);
    expect((await get(`/api/images/${id}/file`, { headers: { 'If-None-Match': etag } })).status).toBe(304);

    const thumb = await get(`/api/images/${id}/thumb?size=24`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const thumbTag = thumb.headers.get('etag')!;
    expect(thumbTag).not.toBe(etag);
    const info = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect({ format: info.format, width: info.width, height: info.height }).toEqual({ format: 'webp', width: 24, height: 24 });
    const cached = join(dbPath, '..', 'thumbs');
    expect(readdirSync(cached, { recursive: true }).some((f) => String(f).endsWith('-24.webp'))).toBe(true);
    expect((await get(`/api/images/${id}/thumb?size=24`, { headers: { 'If-None-Match': thumbTag } })).status).toBe(304);
    // Default size: never enlarged past the original.
    expect((await sharp(Buffer.from(await (await get(`/api/images/${id}/thumb`)).arrayBuffer())).metadata()).width).toBe(32);
  });
});

describe('the map', () => {
  it('binary by default (decodeMap reads it), JSON on request, revalidated by ETag', async () => {
    const res = await get('/api/map');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.lookalike.map');
    const map = decodeMap(await res.arrayBuffer());
    expect(map.header.count).toBe(160);
    expect(new Set(map.id).size).toBe(160);
    const [minX, minY, maxX, maxY] = map.header.bounds;
    expect(maxX).toBeGreaterThan(minX);
    expect(maxY).toBeGreaterThan(minY);
    expect((await get('/api/map', { headers: { 'If-None-Match': res.headers.get('etag')! } })).status).toBe(304);

    // Every point carries its own folder label: 40 images of each class.
    expect(map.header.labels).toEqual([...CLASSES].sort());
    const perLabel = new Map<string, number>();
    for (const l of map.label) perLabel.set(map.header.labels[l]!, (perLabel.get(map.header.labels[l]!) ?? 0) + 1);
    expect(Object.fromEntries(perLabel)).toEqual(Object.fromEntries(CLASSES.map((c) => [c, 40])));

    const json = (await (await get('/api/map?format=json')).json()) as {
      mapId: number; points: Array<{ id: number; x: number; y: number; cluster: number; label: string | null }>;
    };
    expect(json.mapId).toBe(map.header.mapId);
    expect(json.points.map((p) => p.id)).toEqual([...map.id]);
    expect(json.points.map((p) => p.cluster)).toEqual([...map.cluster]);
    expect(json.points.map((p) => p.label)).toEqual(Array.from(map.label, (l) => map.header.labels[l]));
    for (const p of json.points.slice(0, 5)) {
      expect(((await (await get(`/api/images/${p.id}`)).json()) as { label: string }).label).toBe(p.label);
    }
    const viaAccept = await get('/api/map', { headers: { Accept: 'application/json' } });
    expect(viaAccept.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('clusters with labels, sizes and representatives; search places an upload beside its twin', async () => {
    const body = (await (await get('/api/clusters')).json()) as {
      mapId: number; clusters: Array<{ id: number; label: string | null; size: number; representatives: Array<{ id: number; thumbUrl: string }> }>;
    };
    expect(body.clusters.length).toBeGreaterThan(1);
    expect(body.clusters.reduce((n, c) => n + c.size, 0)).toBe(160);
    for (const c of body.clusters) {
      expect(CLASSES).toContain(c.label);
      expect(c.representatives.length).toBeGreaterThan(0);
      expect(c.representatives[0]!.thumbUrl).toBe(`/api/images/${c.representatives[0]!.id}/thumb`);
    }
    const res = (await (await search(uploadForm(readFileSync(join(root, 'frog/0009.jpg'))))).json()) as SearchBody;
    const self = res.results[0]!;
    const meta = (await (await get(`/api/images/${self.id}`)).json()) as { map: { x: number; y: number; cluster: number } };
    expect(self.cluster).toBe(meta.map.cluster);
    expect(res.map!.mapId).toBe(body.mapId);
    expect(res.map!.neighbours[0]!.id).toBe(self.id);
    // Weighted towards the identical image (score 1) over the others (exp(-Δ/0.05)).
    const span = Math.hypot(res.map!.x - meta.map.x, res.map!.y - meta.map.y);
    const [minX, , maxX] = decodeMap(await (await get('/api/map')).arrayBuffer()).header.bounds;
    expect(span).toBeLessThan(0.1 * (maxX - minX));
  });
});

describe('bad requests get one JSON error shape and never stop the server', () => {
  it('unknown and malformed ids: 404, and no path reaches the file system', async () => {
    for (const path of ['/api/images/999999', '/api/images/999999/file', '/api/images/999999/thumb', '/api/images/999999/similar',
      '/api/images/abc', '/api/images/-1/file', '/api/images/1.5/file', '/api/images/..%2F..%2Fetc%2Fpasswd/file',
      '/api/images/%2Fetc%2Fpasswd/file', '/api/nothing-here']) {
      await expectError(await get(path), 404, 'NOT_FOUND');
    }
    await expectError(await get('/api/health', { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it('bad k and size: 400', async () => {
    const id = await idOf('frog/0004.jpg');
    for (const q of ['k=0', 'k=abc', 'k=100000', 'k=2.5']) await expectError(await get(`/api/images/${id}/similar?${q}`), 400, 'BAD_ARGUMENT', /k must be/);
    for (const q of ['size=0', 'size=5000', 'size=x']) await expectError(await get(`/api/images/${id}/thumb?${q}`), 400, 'BAD_ARGUMENT', /size must be/);
    const bytes = readFileSync(join(root, 'frog/0004.jpg'));
    await expectError(await search(uploadForm(bytes, 'q.jpg', 0)), 400, 'BAD_ARGUMENT', /k must be/);
  });

  it('uploads: no file, not multipart, not an image (415), corrupt (422), too many pixels (413)', async () => {
    const form = new FormData();
    form.append('picture', new Blob([new Uint8Array(10)]), 'x.jpg');
    await expectError(await search(form), 400, 'BAD_ARGUMENT', /field "image"/);
    await expectError(await search('hello', { headers: { 'Content-Type': 'text/plain' } }), 400, 'BAD_ARGUMENT', /multipart/);
    await expectError(await search('--x\r\nbroken', { headers: { 'Content-Type': 'multipart/form-data; boundary=x' } }), 400, 'BAD_ARGUMENT');
    await expectError(await search(uploadForm(new TextEncoder().encode('just some text, not a picture'))), 415, 'NOT_AN_IMAGE');
    await expectError(await search(uploadForm(new Uint8Array(0))), 415, 'NOT_AN_IMAGE');
    const jpeg = readFileSync(join(root, 'ship/0001.jpg'));
    await expectError(await search(uploadForm(jpeg.subarray(0, Math.floor(jpeg.length / 2)))), 422, 'CORRUPT_IMAGE');
    const corrupt = Buffer.from(jpeg);
    corrupt.fill(0x55, 20, corrupt.length - 20);
    await expectError(await search(uploadForm(corrupt)), 422, 'CORRUPT_IMAGE');
    // A decompression bomb: a few hundred bytes that claim 400 million pixels.
    const bomb = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000"><rect width="20000" height="20000"/></svg>');
    await expectError(await search(uploadForm(bomb, 'bomb.svg')), 413, 'IMAGE_TOO_LARGE', /pixels/);
  });

  it('uploads over the size limit: 413 from Content-Length, and a chunked body is not read to its end', async () => {
    await expectError(await search(uploadForm(new Uint8Array(3 * 1024 * 1024))), 413, 'UPLOAD_TOO_LARGE', /limit/);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 256 * 1024;
        controller.enqueue(new Uint8Array(256 * 1024));
      },
    });
    const res = await fetch(`${server.url}/api/search`, {
      method: 'POST', body: endless, duplex: 'half', headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
    } as RequestInit);
    await expectError(res, 413, 'UPLOAD_TOO_LARGE');
    await endless.cancel().catch(() => undefined);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('the server still answers after all of that', async () => {
    const health = await get('/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', images: { total: 160, failed: 0 }, index: { size: 160 } });
    expect(server.logs.some((l) => /^POST \/api\/search 415 \d+\.\dms$/.test(l))).toBe(true);
  });
});

describe('the browser app', () => {
  it('a JSON 404 at / until public/ is built, then its files', async () => {
    await expectError(await get('/'), 404, 'NOT_FOUND', /not built/);
    mkdirSync(join(publicDir, 'assets'), { recursive: true });
    writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>Lookalike</title>');
    writeFileSync(join(publicDir, 'assets', 'app.js'), 'console.log(1);');
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('<title>Lookalike</title>');
    expect((await get('/assets/app.js')).headers.get('content-type')).toMatch(/javascript/);
    await expectError(await get('/assets/missing.js'), 404, 'NOT_FOUND');
    await expectError(await get('/../package.json'), 404, 'NOT_FOUND');
    expect(existsSync(join(publicDir, 'index.html'))).toBe(true);
  });
});
