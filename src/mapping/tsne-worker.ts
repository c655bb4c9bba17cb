/** Worker-thread side of tsne(): runs the native pipeline, which blocks its thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import type { TsneOptions } from './tsne-options.js';
import { runTsne, type TsneProgress, type TsneResult } from './tsne-pipeline.js';

export interface TsneRequest {
  buffer: ArrayBufferLike;
  byteOffset: number;
  n: number;
  d: number;
  options: TsneOptions;
}

export type TsneMessage =
  | { type: 'progress'; progress: TsneProgress }
  | { type: 'done'; result: TsneResult }
  | { type: 'error'; message: string; code?: string };

const port = parentPort!;
const req = workerData as TsneRequest;
try {
  const X = new Float32Array(req.buffer, req.byteOffset, req.n * req.d);
  const result = runTsne(X, req.n, req.d, req.options, (progress) => {
    port.postMessage({ type: 'progress', progress } satisfies TsneMessage);
  });
  const P = result.affinities;
  port.postMessage({ type: 'done', result } satisfies TsneMessage, [
    result.embedding.buffer as ArrayBuffer, P.indptr.buffer as ArrayBuffer, P.indices.buffer as ArrayBuffer, P.values.buffer as ArrayBuffer,
  ]);
} catch (err) {
  port.postMessage({ type: 'error', message: errorMessage(err), code: (err as { code?: string }).code } satisfies TsneMessage);
}
