import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { blobs } from './blobs.js';
import { tempDir } from './fixtures.js';

/** A real SQLite store holding Gaussian-blob vectors as if indexed: one image per row, labelled by its blob. */
export interface VectorStore {
  store: Store;
  path: string;
  modelId: number;
  /** All generated rows (n + extra), their blob labels; rows n.. are written only by add(). */
  X: Float32Array;
  labels: Int32Array;
  dims: number;
  /** Writes rows from..to as more images, recording a finished index run. */
  add(from: number, to: number): void;
}

export function vectorStore(n: number, options: { dims?: number; clusters?: number; seed?: number; spread?: number; extra?: number } = {}): VectorStore {
  const dims = options.dims ?? 64;
  const total = n + (options.extra ?? 0);
  const { X, labels } = blobs(total, dims, options.clusters ?? 5, options.seed ?? 1, options.spread ?? 20);
  const path = join(tempDir('vectors'), 'v.db');
  const store = Store.open(path);
  const modelId = store.ensureModel({
    name: 'blobs', fingerprint: `blobs-${dims}`, dims, layer: 'synthetic', inputSize: 8,
    preprocessing: { inputSize: 8, layout: 'NHWC', mean: [0, 0, 0], std: [1, 1, 1], flip: false, power: false },
  });
  const add = (from: number, to: number): void => {
    const run = store.startRun(modelId, '/blobs');
    store.writeResults(modelId, Array.from({ length: to - from }, (_, k) => {
      const i = from + k;
      return {
        path: `/blobs/blob${labels[i]}/${String(i).padStart(5, '0')}.png`, sha256: `h${i}`, bytes: 1, width: 1, height: 1, format: 'png',
        label: `blob${labels[i]}`, mtimeMs: 0, vector: X.slice(i * dims, (i + 1) * dims), error: null,
      };
    }));
    store.finishRun(run, 'done', { added: to - from, updated: 0, unchanged: from, removed: 0, failed: 0 }, 0);
  };
  add(0, n);
  return { store, path, modelId, X, labels, dims, add };
}
