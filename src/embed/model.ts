import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { ModelRecipe, Preprocessing } from '../core/types.js';
import { DEFAULT_MODEL, ensureConvertedModel } from './default-model.js';
import { EmbedPool } from './embed-pool.js';
import { Embedder } from './embedder.js';
import { decodeForModel, type DecodeLimits, type DecodedImage } from './preprocess.js';

/** Which model, which output, and how pixels become its input. */
export interface ModelSpec {
  /** 'default' (the converted MobileNetV2) or the path of an .onnx file. */
  source: string;
  /** Output read as the vector; the default model's feature vector, or a custom model's first output. */
  output?: string;
  preprocessing: Preprocessing;
}

export const DEFAULT_SPEC: ModelSpec = {
  source: 'default',
  preprocessing: { inputSize: DEFAULT_MODEL.inputSize, layout: 'NHWC', mean: [0, 0, 0], std: [1, 1, 1] },
};

/**
 * Images per batch holding the pixels per batch constant: 16 at 224 px. Larger batches are
 * no faster at 224 on 2 cores but each session's arena grows with them (1.2 GB at 16,
 * 2.0 GB at 32); small inputs gain from bigger batches.
 */
export function defaultBatchSize(inputSize: number): number {
  return Math.max(1, Math.min(64, Math.round((16 * 224 * 224) / (inputSize * inputSize))));
}

export interface RuntimeOptions {
  /** Where the converted default model is cached. */
  cacheDir: string;
  /** Inference sessions, one thread each. */
  threads: number;
  executionProvider: 'cpu' | 'cuda';
}

/** What indexing and search need of a model: its recipe, a decoder to its input, batch inference. */
export interface ImageModel {
  recipe: ModelRecipe;
  decode(bytes: Buffer, limits: DecodeLimits): Promise<DecodedImage>;
  embed(pixels: Buffer[]): Promise<Float32Array[]>;
  /** Batches that can be embedded at once. */
  parallelism: number;
  close(): Promise<void>;
}

export async function loadImageModel(spec: ModelSpec, runtime: RuntimeOptions): Promise<ImageModel> {
  const pre = spec.preprocessing;
  const isDefault = spec.source === 'default';
  // Global pooling equals the graph's 7×7 pooling at 224 and lets any other input size work.
  const modelPath = isDefault ? await ensureConvertedModel(runtime.cacheDir, { globalPool: true, byteInput: true }) : resolve(spec.source);
  let modelBytes: Buffer;
  try {
    modelBytes = await readFile(modelPath);
  } catch (err) {
    throw new LookalikeError('NOT_FOUND', `cannot read model ${modelPath}: ${errorMessage(err)}`, { cause: err });
  }
  const options = {
    modelPath, outputName: isDefault ? DEFAULT_MODEL.featureNode : spec.output, preprocessing: pre,
    threads: 1, executionProvider: runtime.executionProvider,
  };
  // Fails fast, on this thread, with the model's own error; and tells the output's name and size.
  const probe = await Embedder.create(options);
  const outputName = probe.outputName;
  const dims = (await probe.embed([Buffer.alloc(pre.inputSize * pre.inputSize * 3, 128)]))[0]!.length;
  await probe.close();
  const pool = EmbedPool.create({ ...options, outputName }, runtime.threads);
  const name = isDefault ? DEFAULT_MODEL.id : modelPath;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ name, output: outputName, pre }))
    .update(createHash('sha256').update(modelBytes).digest())
    .digest('hex');
  return {
    recipe: { name, fingerprint, dims, layer: outputName, inputSize: pre.inputSize, preprocessing: pre },
    decode: (bytes, limits) => decodeForModel(bytes, pre.inputSize, limits),
    embed: (pixels) => pool.embed(pixels),
    parallelism: pool.parallelism,
    close: () => pool.close(),
  };
}

/** The spec that reproduces a stored recipe, so queries are embedded exactly as the index was. */
export function specFromRecipe(recipe: Pick<ModelRecipe, 'name' | 'layer' | 'preprocessing'>): ModelSpec {
  return recipe.name === DEFAULT_MODEL.id
    ? { source: 'default', preprocessing: recipe.preprocessing }
    : { source: recipe.name, output: recipe.layer, preprocessing: recipe.preprocessing };
}
