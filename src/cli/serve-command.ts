import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { readEnv } from '../config.js';
import { LookalikeError } from '../core/errors.js';
import { writeMnistDemo } from '../demo/mnist-demo.js';
import { loadImageModel, specFromRecipe, type ImageModel, type RuntimeOptions } from '../embed/model.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_FILE_BYTES, type DecodeLimits } from '../embed/preprocess.js';
import { createApp } from '../http/app.js';
import { ImageService } from '../images/image-service.js';
import { Thumbnails } from '../images/thumbnails.js';
import { resolveRoot } from '../indexing/indexer.js';
import type { JobStatus } from '../core/job-status.js';
import { JobRunner } from '../jobs/job-runner.js';
import { SearchService } from '../search/search-service.js';
import { intOption, parse } from './args.js';
import { openExistingStore, runtimeFor } from './context.js';
import { formatDuration } from './progress.js';

export const DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024;

export const SERVE_HELP = `lookalike serve [folder] [options]

Serves search, the map and the browser app over HTTP. With a folder (or --images), indexes it
first (incrementally: only new and changed files are embedded) and builds the map; without
one, serves what the database already holds.

Options:
  --images DIR        the folder to index and serve (same as the positional folder)
  --demo              with no folder: the 10,000 MNIST digits of the mnist package, written
                      to data/demo/mnist on first start, in data/demo/lookalike.db
  --db FILE           database (default data/lookalike.db, or $LOOKALIKE_DB)
  --port N            default 3000 (0: any free port)
  --host ADDR         default 127.0.0.1
  --max-upload BYTES  largest search upload (default ${DEFAULT_MAX_UPLOAD})
  --max-pixels N      images with more pixels are refused (default ${DEFAULT_LIMITS.maxPixels})
  --quiet             no request log

Admin routes (reindex jobs) are on when LOOKALIKE_ADMIN_TOKEN is set.`;

export interface ServeOptions {
  dbPath: string;
  /** Index this folder before serving. */
  images?: string;
  port: number;
  host: string;
  runtime: RuntimeOptions;
  adminToken: string | undefined;
  maxUploadBytes: number;
  limits: DecodeLimits;
  maxFileBytes: number;
  publicDir: string;
  log: (line: string) => void;
  /** Progress of the indexing before serving. */
  onStartupProgress?: (status: JobStatus) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  search: SearchService;
  jobs: JobRunner;
  close(): Promise<void>;
}

/** The composition root: index if asked, then store → model → services → app → socket. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  let search: SearchService | undefined;
  const jobs = new JobRunner({
    request: { dbPath: opts.dbPath, runtime: opts.runtime, limits: opts.limits, maxFileBytes: opts.maxFileBytes },
    onSuccess: async () => {
      await search?.reload();
    },
    log: opts.log,
  });
  if (opts.images !== undefined) await indexFirst(jobs, await resolveRoot(opts.images), opts.onStartupProgress);

  const store = openExistingStore(opts.dbPath);
  let model: ImageModel | undefined;
  try {
    const serving = store.servingModel();
    if (!serving) throw new LookalikeError('NOTHING_INDEXED', `nothing is indexed in ${opts.dbPath}: pass a folder to index (lookalike serve <folder>)`);
    model = await loadImageModel(specFromRecipe(serving), opts.runtime);
    search = await SearchService.open(store, opts.dbPath, model, opts.limits, opts.runtime.threads);
    const images = new ImageService(store, new Thumbnails(join(dirname(opts.dbPath), 'thumbs'), opts.limits));
    const app = createApp({
      store, search, images, jobs, adminToken: opts.adminToken, maxUploadBytes: opts.maxUploadBytes,
      defaultK: 12, maxK: 200, publicDir: opts.publicDir, log: opts.log,
    });
    const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
      const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => done(s));
      s.once('error', (err) => fail(new LookalikeError('BAD_ARGUMENT', `cannot listen on ${opts.host}:${opts.port}: ${err.message}`)));
    });
    const port = (server.address() as AddressInfo).port;
    const loaded = model;
    return {
      url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
      port, search, jobs,
      async close() {
        await jobs.close();
        await new Promise<void>((done) => {
          server.close(() => done());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await search!.close();
        await loaded.close();
        store.close();
      },
    };
  } catch (err) {
    await search?.close();
    await model?.close();
    store.close();
    throw err;
  }
}

/** Runs the first reindex of the folder in the job process and waits for it. */
async function indexFirst(jobs: JobRunner, root: string, onProgress?: (s: JobStatus) => void): Promise<void> {
  const { id } = jobs.start({ root });
  const final = await new Promise<JobStatus>((done) => {
    const unsubscribe = jobs.subscribe(id, (s) => {
      onProgress?.(s);
      if (s.state !== 'running') {
        unsubscribe();
        done(s);
      }
    });
  });
  if (final.state === 'failed') {
    const code = final.error?.code;
    throw new LookalikeError(code === 'BAD_ARGUMENT' || code === 'NOTHING_INDEXED' || code === 'BUSY' ? code : 'INTERNAL', final.error?.message ?? 'indexing failed');
  }
  if (final.state === 'cancelled') throw new LookalikeError('CANCELLED', 'indexing was cancelled');
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    images: { type: 'string' }, demo: { type: 'boolean' }, db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
    'max-upload': { type: 'string' }, 'max-pixels': { type: 'string' }, quiet: { type: 'boolean' },
  }, { min: 0, max: 1, usage: 'lookalike serve [folder] [--db FILE] [--port 3000] [--host 127.0.0.1]' });
  if (values.help) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  if (positionals[0] !== undefined && values.images !== undefined) throw new LookalikeError('BAD_ARGUMENT', 'give the folder once: as an argument or --images');
  let images = positionals[0] ?? (values.images as string | undefined);
  let db = values.db;
  if (images === undefined && values.demo) {
    images = resolve('data/demo/mnist');
    db ??= resolve('data/demo/lookalike.db');
    process.stderr.write(`demo: the mnist package's digits in ${images}\n`);
    await writeMnistDemo(images, (done, total) => process.stderr.write(`writing digits as PNG: ${done}/${total}\n`));
  }
  const { dbPath, runtime } = runtimeFor(db);
  const env = readEnv();
  const quiet = values.quiet === true;
  const log = (line: string): void => {
    if (!quiet) process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  };
  const server = await startServer({
    dbPath, images, runtime, log,
    port: intOption(values.port, 'port', 3000, 0, 65535),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    adminToken: env.adminToken,
    maxUploadBytes: intOption(values['max-upload'], 'max-upload', DEFAULT_MAX_UPLOAD),
    limits: { maxPixels: intOption(values['max-pixels'], 'max-pixels', DEFAULT_LIMITS.maxPixels) },
    maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    publicDir: fileURLToPath(new URL('../../public', import.meta.url)),
    onStartupProgress: startupProgress(quiet),
  });
  const s = server.search.serving;
  process.stdout.write(`Lookalike: ${s.index.size} images${s.map ? `, map ${s.map.id}` : ''} on ${server.url}` +
    `${env.adminToken ? ' (admin routes on)' : ''}\n`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('stopping\n');
      void server.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/**
 * A progress line every few seconds on stderr while the first index runs, and a line per phase
 * when the log (which already names each phase) is off.
 */
function startupProgress(quiet: boolean): (s: JobStatus) => void {
  let step = '';
  let last = 0;
  return (s) => {
    const now = performance.now();
    const name = s.detail && s.phase === 'mapping' ? `mapping: ${s.detail}` : s.phase;
    if (s.state === 'running' && name !== step) {
      step = name;
      if (quiet) process.stderr.write(`${name}${s.total > 1 ? ` (${s.total})` : ''}\n`);
    } else if (s.state === 'running' && s.total > 1 && (now - last > 3000 || s.done === s.total)) {
      last = now;
      const rate = s.rate === null ? '' : `  ${s.rate.toFixed(1)}/s  ETA ${formatDuration(s.etaSeconds ?? Infinity)}`;
      process.stderr.write(`  ${s.done}/${s.total}${rate}\n`);
    }
    if (s.state !== 'running') process.stderr.write(`${s.state === 'done' ? 'ready' : s.state}${s.error ? `: ${s.error.message}` : ''}\n`);
  };
}
