/**
 * A stand-in for the server's map routes at sizes no test database reaches (a million points):
 * serves public/ and a synthetic map (Gaussian blobs, one cluster each) in the real binary
 * format, so the browser app runs unchanged. Everything else under /api answers 404 in the
 * server's error shape.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { encodeMap, mapBounds } from '../core/map-format.js';
import { seededRandom } from '../evaluation/split.js';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Clusters share these many folder labels, as CIFAR-10's 10 classes spread over more clusters. */
const LABELS = 20;

export interface SyntheticMap {
  binary: Uint8Array;
  clusters: unknown[];
}

export function syntheticMap(n: number, clusters: number, seed = 1): SyntheticMap {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => [(random() - 0.5) * 200, (random() - 0.5) * 200, 2 + random() * 8] as const);
  const id = new Uint32Array(n), x = new Float32Array(n), y = new Float32Array(n), cluster = new Int32Array(n), label = new Int32Array(n);
  const labels = Array.from({ length: Math.min(LABELS, clusters) }, (_, l) => `group ${l}`);
  const sums = centres.map(() => [0, 0, 0]);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * clusters);
    const [cx, cy, s] = centres[c]!;
    id[i] = i + 1;
    x[i] = cx + normal() * s;
    y[i] = cy + normal() * s;
    cluster[i] = c;
    label[i] = c % LABELS;
    const sum = sums[c]!;
    sum[0]! += x[i]!;
    sum[1]! += y[i]!;
    sum[2]!++;
  }
  const binary = encodeMap({ mapId: 1, bounds: mapBounds(x, y), labels, clusters }, { id, x, y, cluster, label });
  return {
    binary,
    clusters: sums.map(([sx, sy, size], c) => ({
      id: c, label: `group ${c % LABELS}`, labelShare: 1, size, x: sx! / Math.max(1, size!), y: sy! / Math.max(1, size!), representatives: [],
    })),
  };
}

export async function serveSynthetic(publicDir: string, map: SyntheticMap): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/map') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.lookalike.map' });
      return res.end(map.binary);
    }
    if (path === '/api/clusters') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ mapId: 1, clusters: map.clusters }));
    }
    if (path.startsWith('/api/')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'the synthetic benchmark map has no images' } }));
    }
    const file = normalize(join(publicDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(publicDir)) return res.writeHead(403).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
