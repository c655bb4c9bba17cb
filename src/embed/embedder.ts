import * as ort from 'onnxruntime-node';
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { Preprocessing } from '../core/types.js';

export interface EmbedderOptions {
  modelPath: string;
  /** Outputs whose [batch, dims] values make the vector, concatenated; defaults to the model's first. */
  outputNames?: string[];
  preprocessing: Preprocessing;
  /** CPU threads of this session. */
  threads: number;
  /** 'cuda' where the user installed onnxruntime-node's CUDA provider (loading fails, saying so, where it is missing). */
  executionProvider: 'cpu' | 'cuda';
}

/**
 * Runs an ONNX image model on batches of RGB pixels and returns L2-normalised vectors: each
 * output block optionally power-normalised (signed square root) and L2-normalised, the
 * blocks concatenated, and optionally averaged with the mirror image's vector.
 */
export class Embedder {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    readonly outputNames: string[],
    private readonly pre: Preprocessing,
    /** The model takes the uint8 pixels themselves and scales them in its graph. */
    private readonly byteInput: boolean,
  ) {}

  static async create(opts: EmbedderOptions): Promise<Embedder> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(opts.modelPath, {
        executionProviders: opts.executionProvider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: opts.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        // Spinning pool threads would steal the cores that decode the next batch.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
    } catch (err) {
      const hint = opts.executionProvider === 'cuda'
        ? ' (is the CUDA provider installed? `npm install onnxruntime-node --onnxruntime-node-install=cuda12`, or unset LOOKALIKE_EXECUTION_PROVIDER)'
        : '';
      throw new LookalikeError('BAD_MODEL', `cannot load ONNX model ${opts.modelPath}: ${errorMessage(err)}${hint}`, { cause: err });
    }
    const inputName = session.inputNames[0];
    const outputNames = opts.outputNames ?? session.outputNames.slice(0, 1);
    const missing = outputNames.filter((o) => !session.outputNames.includes(o));
    if (!inputName || outputNames.length === 0 || missing.length > 0) {
      throw new LookalikeError('BAD_MODEL', `model ${opts.modelPath} has no output named ${missing.join(', ') || '(none)'}; it has: ${session.outputNames.join(', ')}`);
    }
    const meta = session.inputMetadata[0];
    const byteInput = meta?.isTensor === true && meta.type === 'uint8';
    const pre = opts.preprocessing;
    if (byteInput && (pre.layout !== 'NHWC' || pre.mean.some((m) => m !== 0) || pre.std.some((sd) => sd !== 1))) {
      throw new LookalikeError('BAD_ARGUMENT', `model ${opts.modelPath} takes uint8 NHWC pixels: --layout, --mean and --std do not apply to it`);
    }
    return new Embedder(session, inputName, outputNames, pre, byteInput);
  }

  /** Embeds images given as size × size × 3 RGB bytes (see decodeForModel). */
  async embed(images: Buffer[]): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const batch = this.pre.flip ? [...images, ...images.map((px) => mirror(px, this.pre.inputSize))] : images;
    const input = this.byteInput ? byteTensor(batch, this.pre.inputSize) : toTensor(batch, this.pre);
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run({ [this.inputName]: input }, this.outputNames);
    } catch (err) {
      throw new LookalikeError('BAD_MODEL', `inference failed: ${errorMessage(err)}`, { cause: err });
    }
    const blocks = this.outputNames.map((name) => {
      const out = result[name] as ort.Tensor;
      if (out.dims.length !== 2 || out.dims[0] !== batch.length || !(out.data instanceof Float32Array)) {
        throw new LookalikeError('BAD_MODEL', `output ${name} has shape [${out.dims.join(', ')}] (${out.type}); expected [batch, dims] float32`);
      }
      return { data: out.data, dims: out.dims[1]! };
    });
    const vectorOf = (i: number): Float32Array => combineBlocks(blocks.map((b) => b.data.subarray(i * b.dims, (i + 1) * b.dims)), this.pre.power);
    return images.map((_, i) => {
      const v = vectorOf(i);
      if (!this.pre.flip) return v;
      const w = vectorOf(i + images.length);
      for (let k = 0; k < v.length; k++) v[k]! += w[k]!;
      return l2Normalise(v);
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Each block (signed-square-rooted if power) L2-normalised, then concatenated and normalised again. */
export function combineBlocks(blocks: Float32Array[], power: boolean): Float32Array {
  const out = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const block of blocks) {
    const part = out.subarray(at, at + block.length);
    part.set(block);
    if (power) for (let k = 0; k < part.length; k++) part[k] = Math.sign(part[k]!) * Math.sqrt(Math.abs(part[k]!));
    if (blocks.length > 1) l2Normalise(part);
    at += block.length;
  }
  return l2Normalise(out);
}

/** The image flipped left to right (size × size × 3 RGB bytes). */
export function mirror(px: Buffer, size: number): Buffer {
  const out = Buffer.allocUnsafe(px.length);
  for (let y = 0; y < size; y++) {
    const row = y * size * 3;
    for (let x = 0; x < size; x++) {
      const from = row + x * 3;
      const to = row + (size - 1 - x) * 3;
      out[to] = px[from]!;
      out[to + 1] = px[from + 1]!;
      out[to + 2] = px[from + 2]!;
    }
  }
  return out;
}

/** The pixels as they are, for a model that scales them itself. */
export function byteTensor(images: Buffer[], size: number): ort.Tensor {
  const bytes = size * size * 3;
  const data = new Uint8Array(images.length * bytes);
  images.forEach((px, n) => {
    if (px.length !== bytes) throw new LookalikeError('BAD_ARGUMENT', `image ${n} has ${px.length} bytes, expected ${bytes}`);
    data.set(px, n * bytes);
  });
  return new ort.Tensor('uint8', data, [images.length, size, size, 3]);
}

export function toTensor(images: Buffer[], pre: Preprocessing): ort.Tensor {
  const s = pre.inputSize;
  const plane = s * s;
  const data = new Float32Array(images.length * plane * 3);
  const [s0, s1, s2] = pre.std.map((sd) => 1 / (255 * sd)) as [number, number, number];
  const [b0, b1, b2] = pre.mean.map((m, c) => -m / pre.std[c]!) as [number, number, number];
  images.forEach((px, n) => {
    if (px.length !== plane * 3) throw new LookalikeError('BAD_ARGUMENT', `image ${n} has ${px.length} bytes, expected ${plane * 3}`);
    const base = n * plane * 3;
    if (pre.layout === 'NHWC') {
      for (let i = 0, o = base; i < plane * 3; i += 3, o += 3) {
        data[o] = px[i]! * s0 + b0;
        data[o + 1] = px[i + 1]! * s1 + b1;
        data[o + 2] = px[i + 2]! * s2 + b2;
      }
    } else {
      for (let i = 0, p = 0; i < plane; i++, p += 3) {
        data[base + i] = px[p]! * s0 + b0;
        data[base + plane + i] = px[p + 1]! * s1 + b1;
        data[base + 2 * plane + i] = px[p + 2]! * s2 + b2;
      }
    }
  });
  const dims = pre.layout === 'NHWC' ? [images.length, s, s, 3] : [images.length, 3, s, s];
  return new ort.Tensor('float32', data, dims);
}

export function l2Normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}
