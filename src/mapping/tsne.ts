import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { LookalikeError, isErrorCode } from '../core/errors.js';
import { sharedCopy } from '../native/arrays.js';
import { positiveInt } from '../native/validate.js';
import { resolveTsneOptions, type TsneOptions } from './tsne-options.js';
import type { TsneProgress, TsneResult } from './tsne-pipeline.js';
import type { TsneMessage, TsneRequest } from './tsne-worker.js';

export type { TsneOptions } from './tsne-options.js';
export type { TsnePhase, TsneProgress, TsneResult } from './tsne-pipeline.js';

export interface TsneRunOptions extends TsneOptions {
  /** Vector length; vectors.length must be n x dims. */
  dims: number;
  onProgress?: (progress: TsneProgress) => void;
  signal?: AbortSignal;
  /**
   * Hand the input's buffer to the worker instead of copying it (it is detached here
   * afterwards). Input backed by a SharedArrayBuffer is never copied.
   */
  transfer?: boolean;
}

function workerUrl(): URL {
  const here = new URL('./tsne-worker.js', import.meta.url);
  return existsSync(here) ? here : new URL('../../dist/mapping/tsne-worker.js', import.meta.url);
}

/**
 * t-SNE of n row-major vectors to 2-D, on a worker thread so the event loop stays free.
 * Resolves with the embedding (n x 2) and the run's details; rejects with CANCELLED when
 * the signal aborts (the worker is terminated at once).
 */
export async function tsneRun(vectors: Float32Array, options: TsneRunOptions): Promise<TsneResult> {
  const dims = positiveInt('dims', options.dims);
  if (vectors.length % dims !== 0)
    throw new LookalikeError('BAD_ARGUMENT', `vectors has ${vectors.length} values, not a multiple of dims ${dims}`);
  const n = vectors.length / dims;
  const { dims: _d, onProgress, signal, transfer, ...tsneOptions } = options;
  resolveTsneOptions(n, dims, tsneOptions); // fail fast, on the caller's thread
  if (signal?.aborted) throw new LookalikeError('CANCELLED', 't-SNE cancelled');

  // Shared input is read in place; otherwise the worker gets the caller's buffer (transfer)
  // or a shared copy.
  const input = vectors.buffer instanceof SharedArrayBuffer || transfer ? vectors : sharedCopy(vectors);
  const request: TsneRequest = { buffer: input.buffer, byteOffset: input.byteOffset, n, d: dims, options: tsneOptions };
  const worker = new Worker(workerUrl(), {
    workerData: request,
    transferList: input.buffer instanceof SharedArrayBuffer ? [] : [input.buffer as ArrayBuffer],
  });
  return await new Promise<TsneResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      fn();
    };
    const abort = () => {
      finish(() => reject(new LookalikeError('CANCELLED', 't-SNE cancelled')));
      void worker.terminate();
    };
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (msg: TsneMessage) => {
      if (msg.type === 'progress') onProgress?.(msg.progress);
      else if (msg.type === 'done') finish(() => resolve(msg.result));
      else finish(() => reject(new LookalikeError(isErrorCode(msg.code) ? msg.code : 'KERNEL_FAILED', msg.message)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) =>
      finish(() => reject(new LookalikeError('KERNEL_FAILED', `t-SNE worker exited with code ${code}`))),
    );
  });
}

/** The embedding alone: `await tsne(vectors, { dims })` -> Float32Array of n x 2. */
export async function tsne(vectors: Float32Array, options: TsneRunOptions): Promise<Float32Array> {
  return (await tsneRun(vectors, options)).embedding;
}
