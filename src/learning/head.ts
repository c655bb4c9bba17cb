import { LookalikeError } from '../core/errors.js';

/**
 * A learned projection of a model's vectors: z = (x − μ)W + b, through a ReLU for an MLP's
 * hidden layer, normalised, then (when rawWeight > 0) concatenated with the centred raw
 * vector, so images of one label still rank among themselves by appearance and a two-label
 * set does not collapse onto one line.
 */
export interface Head {
  kind: 'lda' | 'mlp';
  /** Dimensions of the raw vectors it takes. */
  inputDims: number;
  /** Columns of W. */
  k: number;
  mean: Float32Array;
  /** W, inputDims × k, row-major. */
  matrix: Float32Array;
  /** b, k values: zero for a discriminant. */
  bias: Float32Array;
  /** Weight of the raw vector beside the projection, in [0, 1). */
  rawWeight: number;
}

export function outputDims(h: Head): number {
  return h.rawWeight > 0 ? h.k + h.inputDims : h.k;
}

/** z = (x − μ)W + b, through a ReLU for an MLP: the part an ONNX graph can do in bulk. */
export function affine(h: Head, x: Float32Array): Float32Array {
  if (x.length !== h.inputDims) throw new LookalikeError('BAD_ARGUMENT', `vector has ${x.length} dimensions, the head takes ${h.inputDims}`);
  const z = Float64Array.from(h.bias);
  for (let i = 0; i < h.inputDims; i++) {
    const xi = x[i]! - h.mean[i]!;
    const row = i * h.k;
    for (let j = 0; j < h.k; j++) z[j]! += xi * h.matrix[row + j]!;
  }
  if (h.kind === 'mlp') for (let j = 0; j < h.k; j++) z[j] = Math.max(0, z[j]!);
  return Float32Array.from(z);
}

/** The head's unit-length vector from a raw vector x and its affine part z. */
export function finish(h: Head, x: Float32Array, z: Float32Array): Float32Array {
  const out = new Float32Array(outputDims(h));
  let zn = 0;
  for (let j = 0; j < h.k; j++) zn += z[j]! * z[j]!;
  const zs = zn > 0 ? Math.sqrt(1 - h.rawWeight) / Math.sqrt(zn) : 0;
  for (let j = 0; j < h.k; j++) out[j] = z[j]! * zs;
  if (h.rawWeight > 0) {
    // Centred: uncentred CNN activations are all alike in direction (cosine ≈ 0.99).
    let xn = 0;
    for (let i = 0; i < x.length; i++) xn += (x[i]! - h.mean[i]!) ** 2;
    const xs = xn > 0 ? Math.sqrt(h.rawWeight) / Math.sqrt(xn) : 0;
    for (let i = 0; i < x.length; i++) out[h.k + i] = (x[i]! - h.mean[i]!) * xs;
  }
  return out;
}

/** The head's unit-length vector for one raw vector (a query); many at once: HeadEngine. */
export function applyHead(h: Head, x: Float32Array): Float32Array {
  return finish(h, x, affine(h, x));
}

/** mean, W, then b, float32 little-endian: how a head is stored. */
export function headParams(h: Head): Buffer {
  const all = new Float32Array(h.mean.length + h.matrix.length + h.bias.length);
  all.set(h.mean);
  all.set(h.matrix, h.mean.length);
  all.set(h.bias, h.mean.length + h.matrix.length);
  return Buffer.from(all.buffer);
}

/** What is stored as a head's config, beside its parameters. */
export interface HeadConfig {
  kind: 'lda' | 'mlp';
  inputDims: number;
  k: number;
  rawWeight: number;
}

export function headConfig(h: Head): HeadConfig {
  return { kind: h.kind, inputDims: h.inputDims, k: h.k, rawWeight: h.rawWeight };
}

export function headFromParams(config: HeadConfig, params: Buffer): Head {
  const all = new Float32Array(params.byteLength / 4);
  new Uint8Array(all.buffer).set(params);
  const { kind, inputDims, k, rawWeight } = config;
  if (all.length !== inputDims * (k + 1) + k) throw new LookalikeError('DATABASE', 'stored head parameters do not match its shape');
  return { kind, inputDims, k, rawWeight, mean: all.slice(0, inputDims), matrix: all.slice(inputDims, inputDims * (k + 1)), bias: all.slice(inputDims * (k + 1)) };
}
