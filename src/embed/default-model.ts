/**
 * The default CNN: the MobileNetV2 (width 1.4, ImageNet) feature extractor inside nsfwjs,
 * converted to ONNX on first use and cached.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LookalikeError, errorMessage } from '../core/errors.js';
import { CONVERTER_VERSION, convertTfjsGraph } from './convert/convert.js';
import { loadTfjsGraphModel } from './convert/tfjs-graph.js';

export const DEFAULT_MODEL = {
  id: 'nsfwjs-mobilenet_v2_mid',
  /** Pooled 1792-d activations before the classifier head. */
  featureNode: 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze',
  dims: 1792,
  /** The square input size the graph declares; input is NHWC RGB in [0,1]. */
  inputSize: 224,
} as const;

export interface DefaultModelOptions {
  outputs?: string[];
  globalPool?: boolean;
  byteInput?: boolean;
  poolOutputs?: boolean;
}

/** Path of the converted .onnx in cacheDir, converting on first use. The name hashes everything that shapes the bytes. */
export async function ensureConvertedModel(cacheDir: string, options: DefaultModelOptions = {}): Promise<string> {
  const outputs = options.outputs ?? [DEFAULT_MODEL.featureNode];
  const globalPool = options.globalPool ?? false;
  const byteInput = options.byteInput ?? false;
  const poolOutputs = options.poolOutputs ?? false;
  const pkg = nsfwjsPackage();
  const key = JSON.stringify({ converter: CONVERTER_VERSION, model: DEFAULT_MODEL.id, nsfwjs: pkg.version, outputs, globalPool, byteInput, poolOutputs });
  const file = join(cacheDir, `${DEFAULT_MODEL.id}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.onnx`);
  if (await stat(file).then(() => true, () => false)) return file;

  const bytes = convertTfjsGraph(await loadTfjsGraphModel(defaultModelDir()), { outputs, globalPool, byteInput, poolOutputs });
  await mkdir(cacheDir, { recursive: true });
  // Write aside then rename, so a reader never sees half a model and concurrent converters cannot clash.
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return file;
}

/**
 * Full node names for names or unique name endings (`expanded_conv_12/expand/Relu6`), so a
 * recipe can name blocks without the graph's long prefix.
 */
export async function resolveNodeNames(names: string[]): Promise<string[]> {
  if (names.every((n) => n.startsWith('StatefulPartitionedCall/'))) return names;
  const nodes = (await loadTfjsGraphModel(defaultModelDir())).nodes.map((n) => n.name);
  return names.map((name) => {
    if (nodes.includes(name)) return name;
    const found = nodes.filter((n) => n.endsWith(`/${name}`));
    if (found.length !== 1) {
      throw new LookalikeError('BAD_ARGUMENT', found.length === 0 ? `the default model has no node named ${name}` : `${name} names ${found.length} nodes: ${found.join(', ')}`);
    }
    return found[0]!;
  });
}

/** Where nsfwjs keeps the TF.js graph model (as .min.js wrappers). */
export function defaultModelDir(): string {
  return join(nsfwjsPackage().dir, 'dist', 'models', 'mobilenet_v2_mid');
}

/** nsfwjs does not export its package.json, so resolve its entry point and walk up to the package root. */
function nsfwjsPackage(): { dir: string; version: string } {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('nsfwjs');
  } catch (err) {
    throw new LookalikeError('BAD_MODEL', `the default model ships in the nsfwjs package, which cannot be found: ${errorMessage(err)}`, { cause: err });
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'nsfwjs') return { dir, version: pkg.version ?? 'unknown' };
  }
  throw new LookalikeError('BAD_MODEL', `no nsfwjs package.json above ${entry}`);
}
