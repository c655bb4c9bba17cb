import * as ort from 'onnxruntime-node';
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { Preprocessing } from '../core/types.js';

export interface EmbedderOptions {
  modelPath: string;
  /** Output read as the vector; defaults to the model's first output. */
  outputName?: string;
  preprocessing: Preprocessing;
  /** CPU threads for one inference; defaults to all cores. */
  threads: number;
  /** 'cuda' where the user installed onnxruntime-node's CUDA provider; CPU is always the fallback. */
  executionProvider: 'cpu' | 'cuda';
}

/** Runs an ONNX image model on batches of RGB pixels and returns L2-normalised vectors. */
export class Embedder {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    readonly outputName: string,
    private readonly pre: Preprocessing,
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
      throw new LookalikeError('BAD_MODEL', `cannot load ONNX model ${opts.modelPath}: ${errorMessage(err)}`, { cause: err });
    }
    const inputName = session.inputNames[0];
    const outputName = opts.outputName ?? session.outputNames[0];
    if (!inputName || !outputName || !session.outputNames.includes(outputName)) {
      throw new LookalikeError('BAD_MODEL', `model ${opts.modelPath} has no output named ${outputName ?? '(none)'}; it has: ${session.outputNames.join(', ')}`);
    }
    return new Embedder(session, inputName, outputName, opts.preprocessing);
  }

  /** Embeds images given as size × size × 3 RGB bytes (see decodeForModel). */
  async embed(images: Buffer[]): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const input = toTensor(images, this.pre);
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await this.session.run({ [this.inputName]: input }, [this.outputName]);
    } catch (err) {
      throw new LookalikeError('BAD_MODEL', `inference failed: ${errorMessage(err)}`, { cause: err });
    }
    const out = result[this.outputName] as ort.Tensor;
    const [n, ...rest] = out.dims;
    const dims = rest.reduce((a, b) => a * b, 1);
    if (n !== images.length || rest.length !== 1 || !(out.data instanceof Float32Array)) {
      throw new LookalikeError('BAD_MODEL', `output ${this.outputName} has shape [${out.dims.join(', ')}] (${out.type}); expected [batch, dims] float32`);
    }
    const data = out.data;
    return images.map((_, i) => l2Normalise(data.slice(i * dims, (i + 1) * dims)));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

export function toTensor(images: Buffer[], pre: Preprocessing): ort.Tensor {
  const s = pre.inputSize;
  const plane = s * s;
  const data = new Float32Array(images.length * plane * 3);
  const scale = pre.std.map((sd) => 1 / (255 * sd));
  const shift = pre.mean.map((m, c) => -m / pre.std[c]!);
  images.forEach((px, n) => {
    if (px.length !== plane * 3) throw new LookalikeError('BAD_ARGUMENT', `image ${n} has ${px.length} bytes, expected ${plane * 3}`);
    const base = n * plane * 3;
    if (pre.layout === 'NHWC') {
      for (let i = 0; i < plane * 3; i++) {
        const c = i % 3;
        data[base + i] = px[i]! * scale[c]! + shift[c]!;
      }
    } else {
      for (let i = 0; i < plane; i++) {
        for (let c = 0; c < 3; c++) data[base + c * plane + i] = px[i * 3 + c]! * scale[c]! + shift[c]!;
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
