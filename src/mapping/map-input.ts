import { LookalikeError } from '../core/errors.js';
import type { Store } from '../store/store.js';

/** Every vector of the serving model, in image-id order, as one row-major matrix. */
export interface MapInput {
  modelId: number;
  n: number;
  dims: number;
  imageIds: Uint32Array;
  vectors: Float32Array;
  /** Each row's folder label, null where it has none. */
  labels: Array<string | null>;
}

/** Reads the vectors a map is built from; NOTHING_INDEXED when there are none. */
export function readMapInput(store: Store, onProgress: (done: number, total: number) => void = () => {}): MapInput {
  const serving = store.servingModel();
  const n = serving ? store.countVectors(serving.id) : 0;
  if (!serving || n === 0) throw new LookalikeError('NOTHING_INDEXED', 'nothing is indexed yet: run `lookalike index <folder>` first');
  const dims = serving.dims;
  const imageIds = new Uint32Array(n);
  const vectors = new Float32Array(n * dims);
  const named = store.imageLabels();
  const labels: Array<string | null> = new Array<string | null>(n);
  let i = 0;
  for (const { imageId, vector } of store.iterateVectors(serving.id)) {
    if (i === n) break; // rows added since the count wait for the next build
    if (vector.length !== dims) throw new LookalikeError('DATABASE', `image ${imageId} has a ${vector.length}-d vector, the model ${dims}-d`);
    const bad = vector.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const path = store.imagesByIds([imageId]).get(imageId)?.path ?? `id ${imageId}`;
      throw new LookalikeError('BAD_ARGUMENT', `image ${path} has a non-finite vector value (${vector[bad]}) at ${bad}; reindex it`);
    }
    imageIds[i] = imageId;
    vectors.set(vector, i * dims);
    labels[i] = named.get(imageId) ?? null;
    if (++i % 5000 === 0) onProgress(i, n);
  }
  onProgress(i, n);
  return { modelId: serving.id, n: i, dims, imageIds: imageIds.subarray(0, i), vectors: vectors.subarray(0, i * dims), labels: labels.slice(0, i) };
}
