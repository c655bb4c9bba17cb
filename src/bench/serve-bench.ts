/**
 * Server throughput and latency: `lookalike serve` on a copy of a 50,000-image database,
 * loaded by autocannon with similar-by-id requests and upload searches; peak RSS of the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { LookalikeError } from '../core/errors.js';
import { intOption } from '../cli/args.js';
import { buildMap } from '../mapping/map-build.js';
import { VectorIndex } from '../search/vector-index.js';
import { Store } from '../store/store.js';

export const SERVE_BENCH_HELP = `Options (serve):
  --db FILE              indexed database to copy and serve (default /tmp/full/l.db; its
                         .usearch graph is copied too, the original is never written)
  --duration S           seconds of load per scenario (default 10)
  --connections N        concurrent connections for similar-by-id (default 8)
  --upload-connections N concurrent connections for upload search (default 2)
  --k N                  results per request (default 12)
  --map                  build a map of the copy first, so results carry clusters and
                         uploads are placed on it (the copied database has none)
  --json                 print the results as JSON`;

interface Scenario {
  name: string;
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  failed: number;
}

/** The targets, on 2 cores. */
const TARGETS = { similarRps: 1000, similarP99: 20, uploadP50: 50 };
const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

export async function serveBench(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true,
      options: {
        db: { type: 'string' }, duration: { type: 'string' }, connections: { type: 'string' }, 'upload-connections': { type: 'string' },
        k: { type: 'string' }, map: { type: 'boolean' }, json: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new LookalikeError('BAD_ARGUMENT', (err as Error).message);
  }
  const source = (values.db as string | undefined) ?? '/tmp/full/l.db';
  const duration = intOption(values.duration, 'duration', 10, 1, 600);
  const connections = intOption(values.connections, 'connections', 8, 1, 1000);
  const uploadConnections = intOption(values['upload-connections'], 'upload-connections', 2, 1, 1000);
  const k = intOption(values.k, 'k', 12, 1, 200);
  if (!existsSync(source)) throw new LookalikeError('NOT_FOUND', `no database at ${source}: index 50,000 images first (lookalike index <folder> --db ${source})`);

  const dir = mkdtempSync(join(tmpdir(), 'lookalike-serve-bench-'));
  let server: ChildProcess | undefined;
  try {
    log(`copying ${source} (and its graph) to ${dir}`);
    const db = join(dir, 'l.db');
    for (const suffix of ['', '.usearch', '.usearch.json']) if (existsSync(source + suffix)) copyFileSync(source + suffix, db + suffix);
    // Here rather than in the server, so the server's RSS is that of serving: a copied graph
    // whose staleness key predates the database's runs is rebuilt once.
    log('bringing the copied search graph up to date (rebuilt if stale)');
    const store = Store.open(db);
    try {
      await VectorIndex.open(store, db);
      if (values.map) {
        log('building a map of the copy');
        const built = await buildMap(store);
        log(`map ${built.mapId}: ${built.points} points, ${built.clusters} clusters in ${built.seconds.total?.toFixed(1)} s`);
      }
    } finally {
      store.close();
    }
    const { ids, root } = sample(db);
    const queries = queryImages(root, 64);
    log(`${ids.length} indexed images; ${queries.length} upload queries from ${root}`);

    const started = await startServer(db);
    server = started.child;
    const url = started.url;
    const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
    const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

    // Warm-up: first inferences allocate the sessions' arenas; first graph walks page it in.
    await autocannon({ url, connections: 2, amount: 200, requests: [{ setupRequest: (r: object) => ({ ...r, path: `/api/images/${pick(ids)}/similar?k=${k}` }) }] });
    await autocannon({ url, connections: 2, amount: 20, requests: [{ setupRequest: (r: object) => ({ ...r, ...upload(pick(queries), k) }) }] });

    const results: Scenario[] = [];
    log(`similar-by-id: ${connections} connections, ${duration} s`);
    const similar = await autocannon({
      url, connections, duration,
      requests: [{ setupRequest: (r: object) => ({ ...r, method: 'GET', path: `/api/images/${pick(ids)}/similar?k=${k}` }) }],
    });
    results.push(scenario('similar-by-id', connections, similar));
    log(`upload search: ${uploadConnections} connections, ${duration} s`);
    const uploads = await autocannon({
      url, connections: uploadConnections, duration,
      requests: [{ setupRequest: (r: object) => ({ ...r, ...upload(pick(queries), k) }) }],
    });
    results.push(scenario('upload search', uploadConnections, uploads));
    const peakRssMB = memory(server.pid!, 'VmHWM');
    const rssMB = memory(server.pid!, 'VmRSS');

    const report = { database: source, images: ids.length, map: values.map === true, cores: cpus().length, duration, k, peakRssMB, rssMB, results, targets: TARGETS };
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printTable(report);
  } finally {
    server?.kill('SIGTERM');
    if (server && server.exitCode === null) await new Promise((resolve) => server!.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ids of the indexed images, and the folder they were indexed from. */
function sample(db: string): { ids: number[]; root: string } {
  const conn = new Database(db, { readonly: true });
  try {
    const ids = conn.prepare(`SELECT id FROM images WHERE status = 'ok'`).pluck().all() as number[];
    const root = conn.prepare(`SELECT value FROM meta WHERE key = 'root'`).pluck().get() as string | undefined;
    if (ids.length === 0 || !root) throw new LookalikeError('NOTHING_INDEXED', `${db} holds no indexed images`);
    return { ids, root };
  } finally {
    conn.close();
  }
}

/** JPEGs from the indexed folder, a few from each sub-folder. */
function queryImages(root: string, count: number): Buffer[] {
  const out: Buffer[] = [];
  const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, d.name));
  for (let i = 0; out.length < count && dirs.length > 0; i++) {
    const dir = dirs[i % dirs.length]!;
    const files = readdirSync(dir).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
    const f = files[Math.floor(i / dirs.length)];
    if (!f) break;
    out.push(readFileSync(join(dir, f)));
  }
  if (out.length === 0) throw new LookalikeError('NOT_FOUND', `no query images under ${root}`);
  return out;
}

/** A multipart upload request for autocannon. */
function upload(image: Buffer, k: number): { method: string; path: string; headers: Record<string, string>; body: Buffer } {
  const boundary = `----lookalike${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="q.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    image,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { method: 'POST', path: `/api/search?k=${k}`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
}

function scenario(name: string, connections: number, r: AutocannonResult): Scenario {
  return {
    name, connections, requestsPerSecond: r.requests.average, p50: r.latency.p50, p99: r.latency.p99,
    requests: r.requests.total, failed: r.non2xx + r.errors + r.timeouts,
  };
}

async function startServer(db: string): Promise<{ child: ChildProcess; url: string }> {
  const env = { ...process.env, LOOKALIKE_MODEL_CACHE: process.env.LOOKALIKE_MODEL_CACHE ?? join(REPO, '.cache', 'bench', 'models') };
  const child = spawn(process.execPath, [join(REPO, 'dist', 'cli.js'), 'serve', '--db', db, '--port', '0', '--quiet'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  log('starting the server (loads the graph and the model)');
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, url };
}

/** The process's peak (VmHWM) or current (VmRSS) resident set, in MB. */
function memory(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function printTable(r: { images: number; map: boolean; cores: number; duration: number; k: number; peakRssMB: number; rssMB: number; results: Scenario[] }): void {
  const lines = [
    `lookalike serve on ${r.images} images${r.map ? ' with a map' : ''}, ${r.cores} cores (load generator on the same cores), k = ${r.k}, ${r.duration} s each`,
    'scenario          conns   req/s    p50 ms   p99 ms   requests  failed',
    ...r.results.map((s) =>
      `${s.name.padEnd(16)} ${String(s.connections).padStart(5)} ${s.requestsPerSecond.toFixed(0).padStart(7)} ${s.p50.toFixed(1).padStart(9)} ${s.p99.toFixed(1).padStart(8)} ${String(s.requests).padStart(10)} ${String(s.failed).padStart(7)}`),
    `server RSS: ${r.rssMB} MB after the runs, ${r.peakRssMB} MB at its peak`,
    `targets (2 cores): similar-by-id >= ${TARGETS.similarRps} req/s with p99 <= ${TARGETS.similarP99} ms; upload p50 <= ${TARGETS.uploadP50} ms`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function log(line: string): void {
  process.stderr.write(`bench serve: ${line}\n`);
}
