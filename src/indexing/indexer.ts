import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { ImageRecord, ImageRow, RunCounts } from '../core/types.js';
import type { ImageModel } from '../embed/model.js';
import type { DecodeLimits } from '../embed/preprocess.js';
import type { Store } from '../store/store.js';
import { mapAhead } from './ahead.js';
import { scanImages, type ScanProblem, type ScannedFile } from './scan.js';

export interface IndexOptions {
  root: string;
  batchSize: number;
  /** Files larger than this are recorded as failed without being read. */
  maxFileBytes: number;
  limits: DecodeLimits;
  signal?: AbortSignal;
  onStart?: (total: number) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface IndexSummary extends RunCounts {
  runId: number;
  total: number;
  seconds: number;
  imagesPerSecond: number;
  interrupted: boolean;
  failures: ScanProblem[];
  /** Images with a vector of this model after the run. */
  indexed: number;
}

interface Work {
  file: ScannedFile;
  row: ImageRow | undefined;
}

type Prepared =
  | { kind: 'ready'; work: Work; record: ImageRecord; pixels: Buffer }
  | { kind: 'same'; work: Work }
  | { kind: 'failed'; work: Work; record: ImageRecord };

/**
 * Brings the store in step with the folder: embeds new and changed images, drops vanished
 * ones. Each batch lands in one transaction, so a killed run loses at most the batch in
 * flight and a rerun picks up where it stopped.
 */
export async function indexFolder(store: Store, model: ImageModel, opts: IndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const root = await resolveRoot(opts.root);
  const boundRoot = store.getMeta('root');
  if (boundRoot !== undefined && boundRoot !== root) {
    throw new LookalikeError('BAD_ARGUMENT', `this database indexes ${boundRoot}, not ${root}; use --db to index another folder into another database`);
  }
  if (boundRoot === undefined) store.setMeta('root', root);

  const modelId = store.ensureModel(model.recipe);
  const runId = store.startRun(modelId, root);
  const counts: RunCounts = { added: 0, updated: 0, unchanged: 0, removed: 0, failed: 0 };
  const failures: ScanProblem[] = [];
  try {
    const { files, problems } = await scanImages(root);
    const known = new Map(store.listImages(modelId).map((r) => [r.path, r]));
    const seen = new Set([...files.map((f) => f.path), ...problems.map((p) => p.path)]);
    const gone = [...known.values()].filter((r) => !seen.has(r.path)).map((r) => r.id);
    store.removeImages(gone);
    counts.removed = gone.length;

    store.writeResults(modelId, problems.map((p) => failedRecord(p.path, null, p.error)));
    failures.push(...problems);
    counts.failed += problems.length;

    const todo: Work[] = [];
    for (const file of files) {
      const row = known.get(file.path);
      if (row && row.status === 'ok' && row.embedded && row.bytes === file.bytes && row.mtimeMs === file.mtimeMs) counts.unchanged++;
      else todo.push({ file, row });
    }
    opts.onStart?.(todo.length);

    let done = 0;
    let batch: Extract<Prepared, { kind: 'ready' }>[] = [];
    let settled: ImageRecord[] = [];
    // Up to model.parallelism batches are embedded at once while the next ones decode.
    const inflight = new Set<Promise<void>>();
    const launch = (ready: typeof batch, failed: ImageRecord[]): void => {
      const job = (async () => {
        const vectors = await model.embed(ready.map((b) => b.pixels));
        const records = [...failed, ...ready.map((b, i) => ({ ...b.record, vector: vectors[i]! }))];
        store.writeResults(modelId, records);
        for (const b of ready) b.work.row ? counts.updated++ : counts.added++;
        done += records.length;
        opts.onProgress?.(done, todo.length);
      })();
      inflight.add(job);
      job.then(() => inflight.delete(job), () => undefined);
    };
    const drain = async (limit: number): Promise<void> => {
      while (inflight.size > limit) await Promise.race(inflight);
    };

    for await (const p of mapAhead(todo, opts.batchSize * (model.parallelism + 1), (w) => prepare(w, model, opts, store))) {
      if (p.kind === 'same') {
        counts.unchanged++;
        done++;
      } else if (p.kind === 'failed') {
        settled.push(p.record);
        failures.push({ path: p.record.path, error: p.record.error ?? 'failed' });
        counts.failed++;
      } else {
        batch.push(p);
      }
      if (batch.length >= opts.batchSize || settled.length >= opts.batchSize) {
        launch(batch, settled);
        batch = [];
        settled = [];
        await drain(model.parallelism - 1);
      }
      if (opts.signal?.aborted) break;
    }
    if (batch.length > 0 || settled.length > 0) launch(batch, settled);
    await drain(0);

    const interrupted = opts.signal?.aborted ?? false;
    if (!interrupted) store.dropOtherModels(modelId);
    const seconds = (performance.now() - started) / 1000;
    store.finishRun(runId, interrupted ? 'interrupted' : 'done', counts, seconds);
    const embedded = counts.added + counts.updated;
    return {
      ...counts, runId, total: files.length + problems.length, seconds, imagesPerSecond: embedded / seconds,
      interrupted, failures, indexed: store.countVectors(modelId),
    };
  } catch (err) {
    store.finishRun(runId, 'failed', counts, (performance.now() - started) / 1000, errorMessage(err));
    throw err;
  }
}

/** The folder's real path; a clear error if it is missing or not a folder. */
export async function resolveRoot(path: string): Promise<string> {
  try {
    const real = await realpath(path);
    if (!(await stat(real)).isDirectory()) throw new LookalikeError('BAD_ARGUMENT', `${path} is not a folder`);
    return real;
  } catch (err) {
    if (err instanceof LookalikeError) throw err;
    throw new LookalikeError('NOT_FOUND', `cannot read folder ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

function failedRecord(path: string, file: ScannedFile | null, error: string, sha256: string | null = null): ImageRecord {
  return {
    path, sha256, bytes: file?.bytes ?? 0, width: null, height: null, format: null,
    label: file?.label ?? null, mtimeMs: file?.mtimeMs ?? 0, vector: null, error,
  };
}

/** Reads, hashes and decodes one file; never rejects. */
async function prepare(work: Work, model: ImageModel, opts: IndexOptions, store: Store): Promise<Prepared> {
  const { file, row } = work;
  if (file.bytes > opts.maxFileBytes) {
    return { kind: 'failed', work, record: failedRecord(file.path, file, `file is ${file.bytes} bytes, over the limit of ${opts.maxFileBytes}`) };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file.absPath);
  } catch (err) {
    return { kind: 'failed', work, record: failedRecord(file.path, file, `cannot read: ${errorMessage(err)}`) };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (row && row.status === 'ok' && row.embedded && row.sha256 === sha256) {
    store.touchImage(row.id, file.mtimeMs);
    return { kind: 'same', work };
  }
  try {
    const img = await model.decode(bytes, opts.limits);
    const record: ImageRecord = {
      path: file.path, sha256, bytes: bytes.length, width: img.width, height: img.height, format: img.format,
      label: file.label, mtimeMs: file.mtimeMs, vector: null, error: null,
    };
    return { kind: 'ready', work, record, pixels: img.pixels };
  } catch (err) {
    return { kind: 'failed', work, record: failedRecord(file.path, file, errorMessage(err), sha256) };
  }
}
