import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { ModelRecipe, Preprocessing } from '../core/types.js';
import { DEFAULT_MODEL, ensureConvertedModel, resolveNodeNames } from './default-model.js';
import { EmbedPool } from './embed-pool.js';
import { Embedder } from './embedder.js';
import { decodeForModel, type DecodeLimits, type DecodedImage } from './preprocess.js';

/** Which model, which output, and how pixels become its input. */
export interface ModelSpec {
  /** 'default' (the converted MobileNetV2) or the path of an .onnx file. */
  source: string;
  /**
   * Outputs pooled into the vector: for the default model, graph node names (or unique name
   * endings) pooled over height and width; for an ONNX file, its [batch, dims] outputs.
   * Default: the final feature vector, or the file's first output.
   */
  outputs?: string[];
  preprocessing: Preprocessing;
}

/** The network's own 1792-d feature vector at its declared 224 px; also what an ONNX file starts from. */
export const FEATURE_SPEC: ModelSpec = {
  source: 'default',
  preprocessing: { inputSize: DEFAULT_MODEL.inputSize, layout: 'NHWC', mean: [0, 0, 0], std: [1, 1, 1], flip: false, power: false },
};

/**
 * The default, chosen with `lookalike eval` (README): two 14×14-map blocks, pooled, power-
 * and L2-normalised, concatenated (1632-d), averaged with the mirror image, at 128 px.
 * CIFAR-10 P@10 0.386 against 0.294 for FEATURE_SPEC, at 5.4 ms/image on 2 cores.
 */
export const DEFAULT_SPEC: ModelSpec = {
  source: 'default',
  outputs: ['expanded_conv_12/expand/Relu6', 'expanded_conv_13/depthwise/depthwise'],
  preprocessing: { ...FEATURE_SPEC.preprocessing, inputSize: 128, flip: true, power: true },
};

/**
 * Images per batch holding the pixels per batch constant: 16 at 224 px (a flipped copy counts). Larger batches are
 * no faster at 224 on 2 cores but each session's arena grows with them (1.2 GB at 16,
 * 2.0 GB at 32); small inputs gain from bigger batches.
 */
export function defaultBatchSize(pre: Pick<Preprocessing, 'inputSize' | 'flip'>): number {
  const images = (16 * 224 * 224) / (pre.inputSize * pre.inputSize * (pre.flip ? 2 : 1));
  return Math.max(1, Math.min(64, Math.round(images)));
}

export interface RuntimeOptions {
  /** Where the converted default model is cached. */
  cacheDir: string;
  /** Inference sessions on worker threads, one thread each; or the threads of the one session of a single query. */
  threads: number;
  executionProvider: 'cpu' | 'cuda';
  /**
   * Embed on this thread with one session, for a command that embeds one image: starting
   * worker sessions would load the model twice more for a single inference.
   */
  inProcess?: boolean;
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
  const outputs = isDefault ? await resolveNodeNames(spec.outputs ?? [DEFAULT_MODEL.featureNode]) : spec.outputs;
  // Global pooling equals the graph's 7×7 pooling at 224 and lets any other input size work.
  const modelPath = isDefault
    ? await ensureConvertedModel(runtime.cacheDir, { outputs, globalPool: true, byteInput: true, poolOutputs: true })
    : resolve(spec.source);
  let modelBytes: Buffer;
  try {
    modelBytes = await readFile(modelPath);
  } catch (err) {
    throw new LookalikeError('NOT_FOUND', `cannot read model ${modelPath}: ${errorMessage(err)}`, { cause: err });
  }
  const options = { modelPath, outputNames: outputs, preprocessing: pre, executionProvider: runtime.executionProvider };
  // Fails fast, on this thread, with the model's own error; and tells the outputs' names and size.
  const probe = await Embedder.create({ ...options, threads: runtime.inProcess ? runtime.threads : 1 });
  const outputNames = probe.outputNames;
  const dims = (await probe.embed([Buffer.alloc(pre.inputSize * pre.inputSize * 3, 128)]))[0]!.length;
  let runner: Pick<ImageModel, 'embed' | 'parallelism' | 'close'>;
  if (runtime.inProcess) {
    runner = { embed: (pixels) => probe.embed(pixels), parallelism: 1, close: () => probe.close() };
  } else {
    await probe.close();
    const pool = EmbedPool.create({ ...options, outputNames }, runtime.threads);
    runner = { embed: (pixels) => pool.embed(pixels), parallelism: pool.parallelism, close: () => pool.close() };
  }
  const name = isDefault ? DEFAULT_MODEL.id : modelPath;
  const layer = outputNames.join(',');
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ name, output: layer, pre }))
    .update(createHash('sha256').update(modelBytes).digest())
    .digest('hex');
  return {
    recipe: { name, fingerprint, dims, layer, inputSize: pre.inputSize, preprocessing: pre },
    decode: (bytes, limits) => decodeForModel(bytes, pre.inputSize, limits),
    ...runner,
  };
}

/** The bytes of a file to embed, read before any model loads so a wrong path fails at once. */
export async function readImageFile(path: string): Promise<Buffer> {
  return readFile(path).catch((err: unknown) => {
    throw new LookalikeError('NOT_FOUND', `cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  });
}

/** One image's vector; a decoding failure names the file. */
export async function embedImage(model: ImageModel, bytes: Buffer, path: string, limits: DecodeLimits): Promise<Float32Array> {
  const img = await model.decode(bytes, limits).catch((err: unknown) => {
    throw new LookalikeError('NOT_AN_IMAGE', `${path}: ${errorMessage(err)}`, { cause: err });
  });
  return (await model.embed([img.pixels]))[0]!;
}

/** The spec that reproduces a stored recipe, so queries are embedded exactly as the index was. */
export function specFromRecipe(recipe: Pick<ModelRecipe, 'name' | 'layer' | 'preprocessing'>): ModelSpec {
  return { source: recipe.name === DEFAULT_MODEL.id ? 'default' : recipe.name, outputs: recipe.layer.split(','), preprocessing: recipe.preprocessing };
}
