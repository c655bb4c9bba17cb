import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookalikeError } from '../../src/core/errors.js';
import { convertTfjsGraph } from '../../src/embed/convert/convert.js';
import { ModelProto } from '../../src/onnx/graph-builder.js';
import { decodeTfjsGraph, loadTfjsGraphModel, readTfjsArtifacts, type TfGraphModel, type TfjsArtifacts } from '../../src/embed/convert/tfjs-graph.js';
import { DEFAULT_MODEL, defaultModelDir, ensureConvertedModel } from '../../src/embed/default-model.js';
import { l2Normalise } from '../../src/embed/embedder.js';
import { FEATURE_SPEC, loadImageModel } from '../../src/embed/model.js';

const FEATURE = DEFAULT_MODEL.featureNode;
const EXPAND_12 = 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2/expanded_conv_12/expand/Relu6';
const CIFAR = fileURLToPath(new URL('../../../shared/datasets/cifar10-train.tar.gz', import.meta.url));
const IMAGES = ['train/cat/0000.jpg', 'train/dog/0001.jpg', 'train/ship/0002.jpg'];
const TOLERANCE = 1e-4;

/** max|a-b| / max|b|: the error relative to the reference's scale. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  const err = relativeError(actual, expected);
  console.log(`${label}: max relative error ${err.toExponential(2)}`);
  expect(err).toBeLessThan(TOLERANCE);
}

async function tfjsModel(artifacts: Pick<TfjsArtifacts, 'modelTopology' | 'weightSpecs' | 'weightData'>): Promise<GraphModel> {
  const { weightData } = artifacts;
  const buffer = weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer;
  return loadGraphModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: buffer }));
}

/** TF.js's own decoding of the same bytes; ours must give identical bits. */
function expectBitExactWeights(graph: TfGraphModel, specs: TfjsArtifacts['weightSpecs'], data: Uint8Array): void {
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const reference = tf.io.decodeWeights(buffer, specs);
  for (const [name, tensor] of Object.entries(reference)) {
    const ours = graph.weights.get(name)!;
    expect(ours.shape).toEqual(tensor.shape);
    const theirs = tensor.dataSync();
    const mismatch = ours.data.findIndex((v, i) => !Object.is(v, theirs[i]));
    expect(mismatch, `${name}[${mismatch}]`).toBe(-1);
    tensor.dispose();
  }
  expect(graph.weights.size).toBe(Object.keys(reference).length);
}

function runTfjs(model: GraphModel, input: Float32Array, shape: number[], outputs: string[]): Float32Array[] {
  return tf.tidy(() => {
    const result = model.execute(tf.tensor(input, shape), outputs);
    return (Array.isArray(result) ? result : [result]).map((t) => t.dataSync() as Float32Array);
  });
}

async function runOnnx(bytes: Uint8Array, input: Float32Array, shape: number[]): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 2 });
  try {
    return await session.run({ input: new ort.Tensor('float32', input, shape) });
  } finally {
    await session.release();
  }
}

function opTypes(bytes: Uint8Array): string[] {
  const model = ModelProto.toObject(ModelProto.decode(bytes)) as { graph: { node: { opType: string }[] } };
  return model.graph.node.map((n) => n.opType);
}

describe('TF.js graph → ONNX: the nsfwjs MobileNetV2 feature extractor', () => {
  let tmp: string;
  let artifacts: TfjsArtifacts;
  let graph: TfGraphModel;
  const batch: Record<number, Float32Array> = {};
  const raw: Record<number, Buffer[]> = {};

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'lookalike-convert-'));
    execFileSync('tar', ['-xzf', CIFAR, '-C', tmp, ...IMAGES]);
    for (const size of [224, 128]) {
      const pixels = await Promise.all(IMAGES.map((f) =>
        sharp(join(tmp, f)).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer()));
      raw[size] = pixels;
      batch[size] = Float32Array.from(Buffer.concat(pixels), (v) => v / 255);
    }
    await tf.setBackend('cpu');
    artifacts = await readTfjsArtifacts(defaultModelDir());
    graph = decodeTfjsGraph(artifacts);
  });

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('reads the wrapped model: declared input, every Const backed by a weight, weights bit-identical to TF.js', () => {
    expect(graph.inputShape).toEqual([-1, 224, 224, 3]);
    expectBitExactWeights(graph, artifacts.weightSpecs, artifacts.weightData);
    for (const node of graph.nodes.filter((n) => n.op === 'Const')) expect(graph.weights.has(node.name)).toBe(true);
    expect(graph.weights.get('Func/StatefulPartitionedCall/input/_262')?.shape).toEqual([1792, 5]);
  });

  it('matches TF.js on real images at 224: the 1792-d feature and an intermediate NHWC map', async () => {
    const shape = [IMAGES.length, 224, 224, 3];
    const bytes = convertTfjsGraph(graph, { outputs: [FEATURE, EXPAND_12] });
    expect(opTypes(bytes)).not.toContain('Softmax');
    expect(opTypes(bytes)).not.toContain('Gemm');
    const onnx = await runOnnx(bytes, batch[224]!, shape);
    const [feature, expand] = runTfjs(await tfjsModel(artifacts), batch[224]!, shape, [FEATURE, EXPAND_12]);
    expect(onnx[FEATURE]!.dims).toEqual([IMAGES.length, DEFAULT_MODEL.dims]);
    expect(onnx[EXPAND_12]!.dims).toEqual([IMAGES.length, 14, 14, 816]);
    expectClose('feature vector, 224', onnx[FEATURE]!.data as Float32Array, feature!);
    expectClose('expanded_conv_12/expand, 224', onnx[EXPAND_12]!.data as Float32Array, expand!);
  });

  it('matches TF.js on an intermediate node at 128, converting only what that node needs', async () => {
    const shape = [IMAGES.length, 128, 128, 3];
    const bytes = convertTfjsGraph(graph, { outputs: [EXPAND_12] });
    expect(opTypes(bytes)).not.toContain('AveragePool');
    const onnx = await runOnnx(bytes, batch[128]!, shape);
    // TF.js rejects inputs that differ from the declared shape; free H and W in a copy of the topology (computation unchanged).
    const topology = structuredClone(artifacts.modelTopology) as { node: { op: string; attr: { shape: { shape: { dim: { size: string }[] } } } }[] };
    const input = topology.node.find((n) => n.op === 'Placeholder')!;
    input.attr.shape.shape.dim = [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '3' }];
    const [expected] = runTfjs(await tfjsModel({ ...artifacts, modelTopology: topology as unknown as TfjsArtifacts['modelTopology'] }), batch[128]!, shape, [EXPAND_12]);
    expect(onnx[EXPAND_12]!.dims).toEqual([IMAGES.length, 8, 8, 816]);
    expectClose('expanded_conv_12/expand, 128', onnx[EXPAND_12]!.data as Float32Array, expected!);
  });

  it('the default embedder (uint8 input, global pooling, worker sessions, L2-normalised) equals TF.js', async () => {
    const model = await loadImageModel(FEATURE_SPEC, { cacheDir: join(tmp, 'embedder'), threads: 2, executionProvider: 'cpu' });
    try {
      const vectors = await model.embed(raw[224]!);
      const [expected] = runTfjs(await tfjsModel(artifacts), batch[224]!, [IMAGES.length, 224, 224, 3], [FEATURE]);
      vectors.forEach((v, i) => {
        const ref = l2Normalise(expected!.slice(i * DEFAULT_MODEL.dims, (i + 1) * DEFAULT_MODEL.dims));
        expectClose(`default embedder, image ${i}`, v, ref);
      });
    } finally {
      await model.close();
    }
  });

  it('globalPool: same vector at 224, and a finite 1792-d vector at 128', async () => {
    const pooled = convertTfjsGraph(graph, { outputs: [FEATURE], globalPool: true });
    const declared = convertTfjsGraph(graph, { outputs: [FEATURE] });
    expect(opTypes(pooled)).toContain('GlobalAveragePool');
    expect(opTypes(declared)).toContain('AveragePool');
    const shape224 = [IMAGES.length, 224, 224, 3];
    const a = (await runOnnx(pooled, batch[224]!, shape224))[FEATURE]!.data as Float32Array;
    const b = (await runOnnx(declared, batch[224]!, shape224))[FEATURE]!.data as Float32Array;
    expect(relativeError(a, b)).toBeLessThan(1e-6);

    const small = (await runOnnx(pooled, batch[128]!, [IMAGES.length, 128, 128, 3]))[FEATURE]!;
    expect(small.dims).toEqual([IMAGES.length, DEFAULT_MODEL.dims]);
    expect((small.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('caches the converted default model under a name that hashes the options', async () => {
    const cache = join(tmp, 'cache');
    const first = await ensureConvertedModel(cache, { globalPool: true });
    const { mtimeMs } = await stat(first);
    expect(await ensureConvertedModel(cache, { globalPool: true })).toBe(first);
    expect((await stat(first)).mtimeMs).toBe(mtimeMs);
    expect(await ensureConvertedModel(cache)).not.toBe(first);
  });
});

// ---- a small hand-written TF.js graph model ----

type Attr = Record<string, unknown>;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const str = (s: string): Attr => ({ s: b64(s) });
const ints = (v: number[]): Attr => ({ list: { i: v.map(String) } });
const strs = (v: string[]): Attr => ({ list: { s: v.map(b64) } });
const FLOAT_T = { T: { type: 'DT_FLOAT' } };

interface Fixture { modelJson: { modelTopology: { node: unknown[]; versions: object }; weightsManifest: { paths: string[]; weights: unknown[] }[] }; weightData: Uint8Array }

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Dilated conv (uint8) → depthwise ×2 stride 2 (float16) → 1×1 conv + add + BiasAdd → Relu6 → explicit-pad conv → AvgPool → Squeeze, with Mean, MaxPool, Reshape, MatMul and Softmax on the side. */
function smallModel(): Fixture {
  const rand = lcg(7);
  const nodes: unknown[] = [];
  const weights: unknown[] = [];
  const chunks: Uint8Array[] = [];
  const node = (name: string, op: string, input: string[], attr: Attr = {}) => nodes.push({ name, op, input, attr });
  const constant = (name: string, shape: number[], kind: 'uint8' | 'float16' | 'float32' | 'int32', values?: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec: Attr = { name, shape, dtype: kind === 'int32' ? 'int32' : 'float32' };
    if (kind === 'uint8') {
      spec.quantization = { dtype: 'uint8', min: -0.6, scale: 1.2 / 255 };
      chunks.push(Uint8Array.from({ length: size }, () => Math.floor(rand() * 256)));
    } else if (kind === 'float16') {
      spec.quantization = { dtype: 'float16' };
      // Sign, exponent 10..14 (|v| in [2^-5, 1)), random mantissa.
      const bits = Uint16Array.from({ length: size }, () => ((rand() < 0.5 ? 1 : 0) << 15) | ((10 + Math.floor(rand() * 5)) << 10) | Math.floor(rand() * 1024));
      chunks.push(new Uint8Array(bits.buffer));
    } else {
      const data = kind === 'int32' ? Int32Array.from(values!) : Float32Array.from({ length: size }, () => rand() - 0.5);
      chunks.push(new Uint8Array(data.buffer));
    }
    weights.push(spec);
    node(name, 'Const', [], { dtype: { type: kind === 'int32' ? 'DT_INT32' : 'DT_FLOAT' } });
  };
  const same = { padding: str('SAME'), data_format: str('NHWC'), dilations: ints([1, 1, 1, 1]) };
  const fused = (ops: string[]) => ({ fused_ops: strs(ops), num_args: { i: '1' } });

  node('x', 'Placeholder', [], { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '8' }, { size: '8' }, { size: '3' }] } } });
  constant('w1', [3, 3, 3, 4], 'uint8');
  constant('b1', [4], 'float32');
  node('c1', '_FusedConv2D', ['x', 'w1', 'b1'], { ...FLOAT_T, ...same, dilations: ints([1, 2, 2, 1]), strides: ints([1, 1, 1, 1]), ...fused(['BiasAdd', 'Relu6']) });
  constant('dw', [3, 3, 4, 2], 'float16');
  constant('db', [8], 'uint8');
  node('d1', 'FusedDepthwiseConv2dNative', ['c1', 'dw', 'db'], { ...FLOAT_T, ...same, strides: ints([1, 2, 2, 1]), ...fused(['BiasAdd', 'Relu']) });
  constant('w2', [1, 1, 8, 8], 'float32');
  node('p1', 'Conv2D', ['d1', 'w2'], { ...FLOAT_T, ...same, padding: str('VALID'), strides: ints([1, 1, 1, 1]) });
  node('a1', 'AddV2', ['d1', 'p1'], FLOAT_T);
  constant('bb', [8], 'uint8');
  node('b2', 'BiasAdd', ['a1', 'bb'], { ...FLOAT_T, data_format: str('NHWC') });
  node('r6', 'Relu6', ['b2'], FLOAT_T);
  constant('w3', [2, 2, 8, 4], 'float16');
  node('e1', 'Conv2D', ['r6', 'w3'], { ...FLOAT_T, ...same, padding: str('EXPLICIT'), explicit_paddings: ints([0, 0, 1, 0, 0, 1, 0, 0]), strides: ints([1, 1, 1, 1]) });
  node('ap', 'AvgPool', ['e1'], { ...FLOAT_T, ksize: ints([1, 4, 4, 1]), strides: ints([1, 1, 1, 1]), padding: str('VALID'), data_format: str('NHWC') });
  node('sq', 'Squeeze', ['ap'], { ...FLOAT_T, squeeze_dims: ints([1, 2]) });
  constant('ax', [2], 'int32', [1, 2]);
  node('mn', 'Mean', ['r6', 'ax'], { ...FLOAT_T, keep_dims: { b: false } });
  node('rl', 'Relu', ['mn'], FLOAT_T);
  node('mp', 'MaxPool', ['c1'], { ...FLOAT_T, ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: str('SAME'), data_format: str('NHWC') });
  constant('sh', [2], 'int32', [-1, 64]);
  node('rs', 'Reshape', ['mp', 'sh'], FLOAT_T);
  constant('wm', [64, 4], 'uint8');
  constant('bm', [4], 'float32');
  node('mm', '_FusedMatMul', ['rs', 'wm', 'bm'], { ...FLOAT_T, ...fused(['BiasAdd', 'Relu']), transpose_a: { b: false }, transpose_b: { b: false } });
  node('s2', 'AddV2', ['sq', 'mm'], FLOAT_T);
  node('sm', 'Softmax', ['s2'], FLOAT_T);
  node('out', 'Identity', ['sm'], FLOAT_T);

  const weightData = Buffer.concat(chunks);
  return { modelJson: { modelTopology: { node: nodes, versions: {} }, weightsManifest: [{ paths: ['weights.bin'], weights }] }, weightData };
}

async function writeModel(dir: string, fixture: Fixture): Promise<void> {
  await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', ...fixture.modelJson }));
  await writeFile(join(dir, 'weights.bin'), fixture.weightData);
}

describe('TF.js graph → ONNX: other graphs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lookalike-small-'));
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('converts a small model.json + weights.bin graph with the same op set and matches TF.js', async () => {
    const fixture = smallModel();
    const modelDir = join(dir, 'small');
    await mkdir(modelDir);
    await writeModel(modelDir, fixture);
    const outputs = ['e1', 'sq', 'rl', 'out'];
    const graph = await loadTfjsGraphModel(modelDir);
    const specs = fixture.modelJson.weightsManifest[0]!.weights as TfjsArtifacts['weightSpecs'];
    expectBitExactWeights(graph, specs, fixture.weightData);
    const bytes = convertTfjsGraph(graph, { outputs });

    const rand = lcg(11);
    const input = Float32Array.from({ length: 2 * 8 * 8 * 3 }, rand);
    const shape = [2, 8, 8, 3];
    const onnx = await runOnnx(bytes, input, shape);
    const reference = runTfjs(await tfjsModel({
      modelTopology: fixture.modelJson.modelTopology,
      weightSpecs: specs,
      weightData: fixture.weightData,
    }), input, shape, outputs);
    expect(onnx.e1!.dims).toEqual([2, 4, 4, 4]);
    outputs.forEach((name, i) => expectClose(`small model ${name}`, onnx[name]!.data as Float32Array, reference[i]!));
  });

  it('names the op and the node it cannot convert', async () => {
    const modelDir = join(dir, 'erf');
    await mkdir(modelDir);
    await writeFile(join(modelDir, 'model.json'), JSON.stringify({
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '4' }] } } } },
          { name: 'gelu/erf', op: 'Erf', input: ['x'], attr: FLOAT_T },
        ],
      },
      weightsManifest: [],
    }));
    const model = await loadTfjsGraphModel(modelDir);
    const error = (() => {
      try {
        convertTfjsGraph(model, { outputs: ['gelu/erf'] });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(LookalikeError);
    expect((error as LookalikeError).code).toBe('UNSUPPORTED_OP');
    expect((error as LookalikeError).message).toMatch(/gelu\/erf.*Erf/);
  });

  it('rejects a model whose manifest names a missing shard, and an unknown output', async () => {
    const modelDir = join(dir, 'broken');
    await mkdir(modelDir);
    const fixture = smallModel();
    await writeFile(join(modelDir, 'model.json'), JSON.stringify({ format: 'graph-model', ...fixture.modelJson }));
    await expect(loadTfjsGraphModel(modelDir)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/weights\.bin/) });
    await writeFile(join(modelDir, 'weights.bin'), fixture.weightData.subarray(0, 100));
    await expect(loadTfjsGraphModel(modelDir)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/shards hold only 100/) });
    await writeFile(join(modelDir, 'weights.bin'), fixture.weightData);
    const model = await loadTfjsGraphModel(modelDir);
    expect(() => convertTfjsGraph(model, { outputs: ['nope'] })).toThrow(/no node named nope/);
  });
});
