/**
 * Child process of the reference: TF.js with its WebAssembly backend runs the same nsfwjs
 * graph on a slice of the images, decoded by our own decodeForModel, and prints one JSON line.
 * The parent starts one per core, since TF.js-wasm runs single-threaded under Node.
 *
 *   node dist/bench/tfjs-child.js --list FILES.json --size PX --batch N
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { LookalikeError } from '../core/errors.js';
import { readTfjsArtifacts, type TfjsArtifacts } from '../embed/convert/tfjs-graph.js';
import { DEFAULT_MODEL, defaultModelDir } from '../embed/default-model.js';
import { decodeForModel } from '../embed/preprocess.js';
import type { ReferenceResult } from './index-bench.js';

/** The 7×7×1792 map before the graph's fixed 7×7 AvgPool, which only fits a 224 input. */
const CONV_1_NODE = DEFAULT_MODEL.featureNode.replace(/feature_vector\/SpatialSqueeze$/, 'MobilenetV2/Conv_1/Relu6');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { list: { type: 'string' }, size: { type: 'string' }, batch: { type: 'string' } }, strict: true });
  if (!values.list || !values.size || !values.batch) throw new LookalikeError('BAD_ARGUMENT', 'usage: tfjs-child --list FILES.json --size PX --batch N');
  const files = JSON.parse(await readFile(values.list, 'utf8')) as string[];
  const size = Number(values.size);
  const batchSize = Number(values.batch);

  const loadStart = performance.now();
  // The binaries ship in the package's dist folder; pointing there means nothing is fetched.
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  if (!(await tf.setBackend('wasm'))) throw new LookalikeError('BAD_MODEL', 'the TF.js wasm backend failed to start');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const model = await loadModel(size);
  const graphPools = size === DEFAULT_MODEL.inputSize;
  const embed = (input: Float32Array, count: number): Float32Array => tf.tidy(() => {
    const x = tf.tensor4d(input, [count, size, size, 3]);
    // Global mean over H and W: what our converted model's globalPool computes at any size.
    const y = graphPools ? (model.execute(x, DEFAULT_MODEL.featureNode) as tf.Tensor) : tf.mean(model.execute(x, CONV_1_NODE) as tf.Tensor, [1, 2]);
    return y.dataSync() as Float32Array;
  });
  // The first run allocates and plans; keep it out of the timing, as loading is kept out of ours.
  embed(new Float32Array(size * size * 3), 1);
  const loadSeconds = (performance.now() - loadStart) / 1000;

  const started = performance.now();
  for (let i = 0; i < files.length; i += batchSize) {
    const slice = files.slice(i, i + batchSize);
    const decoded = await Promise.all(slice.map(async (f) => decodeForModel(await readFile(f), size)));
    const input = new Float32Array(slice.length * size * size * 3);
    // The graph takes RGB in [0, 1], as the test feeds it.
    let at = 0;
    for (const { pixels } of decoded) for (const v of pixels) input[at++] = v / 255;
    const vectors = embed(input, slice.length);
    if (vectors.length !== slice.length * DEFAULT_MODEL.dims) throw new LookalikeError('BAD_MODEL', `expected ${DEFAULT_MODEL.dims}-d vectors, got ${vectors.length / slice.length}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const result: ReferenceResult = {
    images: files.length, seconds, loadSeconds, imagesPerSecond: files.length / seconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024, simd, threads: getThreadsCount(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The nsfwjs graph as TF.js loads it; for sizes other than 224, with the input's H and W freed. */
async function loadModel(size: number): Promise<GraphModel> {
  const artifacts = await readTfjsArtifacts(defaultModelDir());
  const topology = size === DEFAULT_MODEL.inputSize ? artifacts.modelTopology : freeInputSize(artifacts.modelTopology);
  const { weightData } = artifacts;
  const weights = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  return loadGraphModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: artifacts.weightSpecs, weightData: weights }));
}

/** TF.js rejects inputs that differ from the declared shape; the computation does not depend on it. */
function freeInputSize(topology: TfjsArtifacts['modelTopology']): TfjsArtifacts['modelTopology'] {
  const copy = structuredClone(topology);
  const input = (copy.node as { op: string; attr: { shape: { shape: { dim: { size: string }[] } } } }[]).find((n) => n.op === 'Placeholder');
  if (!input) throw new LookalikeError('BAD_MODEL', 'the graph has no Placeholder');
  input.attr.shape.shape.dim = [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '3' }];
  return copy;
}

main().catch((err: unknown) => {
  process.stderr.write(`tfjs-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
