/**
 * Loads a TF.js graph model (model.json + binary shards, or the `.min.js` wrappers nsfwjs ships)
 * into plain nodes and dequantised weights. Nothing from the model directory is executed.
 */
import { readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { LookalikeError, errorMessage } from '../../core/errors.js';
import { parseJsLiteral, type JsValue } from './js-literal.js';

/** One attribute as TF.js serialises it (the fields this converter reads): strings base64, 64-bit ints as decimal strings. */
export interface TfAttr {
  s?: string;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: (string | number)[] };
  shape?: { dim?: { size: string | number }[]; unknownRank?: boolean };
}

export interface TfNode {
  name: string;
  op: string;
  /** Data inputs as `node` or `node:k` (k > 0); control inputs (`^node`) are dropped. */
  inputs: string[];
  attr: Record<string, TfAttr>;
}

export type TfWeight =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array };

export interface TfGraphModel {
  nodes: TfNode[];
  weights: Map<string, TfWeight>;
  /** Declared shape of the single Placeholder; -1 marks a free dimension. */
  inputShape: number[];
}

export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number };
}

/** The model as stored: what TF.js itself would load (tf.io.fromMemory takes exactly these). */
export interface TfjsArtifacts {
  /** The whole topology object (TF.js also reads its `versions` and `library`). */
  modelTopology: { node: unknown[] } & Record<string, unknown>;
  weightSpecs: TfWeightSpec[];
  /** All shards of all manifest groups, concatenated in manifest order. */
  weightData: Uint8Array;
}

export async function loadTfjsGraphModel(dir: string): Promise<TfGraphModel> {
  return decodeTfjsGraph(await readTfjsArtifacts(dir));
}

/** Reads model.json + shards, or model.min.js + `<shard>.min.js` wrappers holding base64 strings. */
export async function readTfjsArtifacts(dir: string): Promise<TfjsArtifacts> {
  const files = await readdir(dir).catch((err: unknown) => {
    throw new LookalikeError('BAD_MODEL', `cannot read model directory ${dir}: ${errorMessage(err)}`, { cause: err });
  });
  const wrapped = !files.includes('model.json');
  if (wrapped && !files.includes('model.min.js')) {
    throw new LookalikeError('BAD_MODEL', `${dir} holds neither model.json nor model.min.js`);
  }
  const modelFile = join(dir, wrapped ? 'model.min.js' : 'model.json');
  const text = await readFile(modelFile, 'utf8');
  const json = wrapped ? extractModelLiteral(text, modelFile) : parseJson(text, modelFile);
  const { modelTopology, manifest } = validateModelJson(json, modelFile);

  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const file = join(dir, wrapped ? `${path}.min.js` : path);
      const bytes = await readFile(file).catch((err: unknown) => {
        throw new LookalikeError('BAD_MODEL', `weight shard ${file} listed in the manifest cannot be read: ${errorMessage(err)}`, { cause: err });
      });
      shards.push(wrapped ? extractBase64(bytes.toString('latin1'), file) : bytes);
    }
  }
  return { modelTopology, weightSpecs: manifest.flatMap((g) => g.weights), weightData: Buffer.concat(shards) };
}

export function decodeTfjsGraph(artifacts: TfjsArtifacts): TfGraphModel {
  const nodes = artifacts.modelTopology.node.map(validateNode);
  const weights = decodeWeights(artifacts.weightSpecs, artifacts.weightData);
  const placeholders = nodes.filter((n) => n.op === 'Placeholder');
  if (placeholders.length !== 1) {
    throw new LookalikeError('BAD_MODEL', `expected exactly one Placeholder (model input), found ${placeholders.length}`);
  }
  return { nodes, weights, inputShape: placeholderShape(placeholders[0]!) };
}

/** Walks the specs in order over the concatenated shards, as TF.js does. */
function decodeWeights(specs: TfWeightSpec[], bytes: Uint8Array): Map<string, TfWeight> {
  const out = new Map<string, TfWeight>();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const width = !spec.quantization ? 4 : spec.quantization.dtype === 'uint8' ? 1 : 2;
    const end = offset + size * width;
    if (end > bytes.byteLength) {
      throw new LookalikeError('BAD_MODEL', `weight ${spec.name} needs bytes ${offset}..${end} but the shards hold only ${bytes.byteLength}`);
    }
    // A copy, so the typed-array views below are aligned.
    const raw = new Uint8Array(bytes.subarray(offset, end));
    offset = end;
    out.set(spec.name, spec.dtype === 'int32'
      ? { dtype: 'int32', shape: spec.shape, data: spec.quantization ? dequantiseInt(spec, raw) : new Int32Array(raw.buffer) }
      : { dtype: 'float32', shape: spec.shape, data: spec.quantization ? dequantiseFloat(spec, raw) : new Float32Array(raw.buffer) });
  }
  return out;
}

/** TF.js computes `q * scale + min` in double precision and stores it into a Float32Array; doing the same gives the same bits. */
function dequantiseFloat(spec: TfWeightSpec, raw: Uint8Array): Float32Array {
  if (spec.quantization!.dtype === 'float16') return Float32Array.from(new Uint16Array(raw.buffer), halfToFloat);
  const { codes, min, scale } = affineCodes(spec, raw);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! * scale + min;
  return out;
}

function dequantiseInt(spec: TfWeightSpec, raw: Uint8Array): Int32Array {
  if (spec.quantization!.dtype === 'float16') throw new LookalikeError('BAD_MODEL', `weight ${spec.name}: float16 quantisation needs dtype float32`);
  const { codes, min, scale } = affineCodes(spec, raw);
  return Int32Array.from(codes, (v) => Math.round(v * scale + min));
}

function affineCodes(spec: TfWeightSpec, raw: Uint8Array): { codes: Uint8Array | Uint16Array; min: number; scale: number } {
  const { dtype, min, scale } = spec.quantization!;
  if (typeof min !== 'number' || typeof scale !== 'number') {
    throw new LookalikeError('BAD_MODEL', `weight ${spec.name}: ${dtype} quantisation needs numeric min and scale`);
  }
  return { codes: dtype === 'uint8' ? raw : new Uint16Array(raw.buffer), min, scale };
}

/** IEEE half → float; exact, since every half is a float. (TF.js's table decoder maps Inf/NaN to 65536; weights never hold those.) */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function placeholderShape(node: TfNode): number[] {
  const shape = node.attr.shape?.shape;
  if (!shape?.dim || shape.unknownRank) {
    throw new LookalikeError('BAD_MODEL', `input ${node.name} has no declared shape; its rank is needed to convert the graph`);
  }
  const dtype = node.attr.dtype?.type;
  if (dtype !== undefined && dtype !== 'DT_FLOAT') {
    throw new LookalikeError('BAD_MODEL', `input ${node.name} has dtype ${dtype}; only DT_FLOAT inputs are supported`);
  }
  return shape.dim.map((d) => Number(d.size));
}

function validateNode(raw: unknown, index: number): TfNode {
  if (!isObject(raw) || typeof raw.name !== 'string' || typeof raw.op !== 'string') {
    throw new LookalikeError('BAD_MODEL', `modelTopology.node[${index}] lacks a string name and op`);
  }
  const inputs = raw.input ?? [];
  if (!Array.isArray(inputs) || !inputs.every((i) => typeof i === 'string')) {
    throw new LookalikeError('BAD_MODEL', `node ${raw.name}: input must be a list of names`);
  }
  const attr = raw.attr ?? {};
  if (!isObject(attr)) throw new LookalikeError('BAD_MODEL', `node ${raw.name}: attr must be an object`);
  return {
    name: raw.name,
    op: raw.op,
    inputs: (inputs as string[]).filter((i) => !i.startsWith('^')).map((i) => i.replace(/:0$/, '')),
    attr: attr as Record<string, TfAttr>,
  };
}

interface ManifestGroup { paths: string[]; weights: TfWeightSpec[] }

function validateModelJson(json: unknown, file: string): { modelTopology: TfjsArtifacts['modelTopology']; manifest: ManifestGroup[] } {
  const bad = (what: string) => new LookalikeError('BAD_MODEL', `${file}: ${what}`);
  if (!isObject(json)) throw bad('not a JSON object');
  if (json.format !== undefined && json.format !== 'graph-model') throw bad(`format is ${JSON.stringify(json.format)}, expected "graph-model"`);
  const topology = json.modelTopology;
  if (!isObject(topology) || !Array.isArray(topology.node)) throw bad('modelTopology.node is missing');
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw bad('weightsManifest is not a list');
  const groups = manifest.map((group, g): ManifestGroup => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw bad(`weightsManifest[${g}] needs paths and weights lists`);
    for (const path of group.paths) {
      if (typeof path !== 'string' || isAbsolute(path) || normalize(path).startsWith('..')) throw bad(`weightsManifest[${g}] has a shard path outside the model directory: ${String(path)}`);
    }
    return { paths: group.paths as string[], weights: group.weights.map((w) => validateSpec(w, bad)) };
  });
  return { modelTopology: topology as TfjsArtifacts['modelTopology'], manifest: groups };
}

function validateSpec(raw: unknown, bad: (what: string) => LookalikeError): TfWeightSpec {
  if (!isObject(raw) || typeof raw.name !== 'string') throw bad('a weight entry has no name');
  const { name, shape, dtype, quantization } = raw;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) throw bad(`weight ${name} has a bad shape`);
  if (dtype !== 'float32' && dtype !== 'int32') throw bad(`weight ${name} has dtype ${String(dtype)}; only float32 and int32 are supported`);
  if (quantization !== undefined) {
    if (!isObject(quantization) || !['uint8', 'uint16', 'float16'].includes(quantization.dtype as string)) {
      throw bad(`weight ${name} has an unknown quantization ${JSON.stringify(quantization)}`);
    }
  }
  return raw as unknown as TfWeightSpec;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new LookalikeError('BAD_MODEL', `${file} is not valid JSON: ${errorMessage(err)}`, { cause: err });
  }
}

/** The wrapper assigns the model to `exports` as an object literal (or a JSON string); the first such value with a modelTopology wins. */
function extractModelLiteral(text: string, file: string): unknown {
  for (const m of text.matchAll(/exports\s*=\s*/g)) {
    let value: JsValue;
    try {
      value = parseJsLiteral(text, m.index + m[0].length).value;
    } catch {
      continue; // `module.exports=t()` and the like: not a literal
    }
    const model = typeof value === 'string' ? tryJson(value) : value;
    if (isObject(model) && 'modelTopology' in model) return model;
  }
  throw new LookalikeError('BAD_MODEL', `${file}: no TF.js model object assigned to exports was found`);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A shard wrapper's payload is its one long base64 string literal. (Scanned by hand: a regex over megabytes overflows V8's stack.) */
function extractBase64(text: string, file: string): Uint8Array {
  let best = { start: 0, end: 0 };
  for (let i = 0; i < text.length; i++) {
    const quote = text[i];
    if (quote !== '"' && quote !== "'") continue;
    let j = i + 1;
    let plain = true;
    for (; j < text.length && text[j] !== quote; j++) {
      if (text[j] === '\\') j++;
      if (!BASE64_CHAR.test(text[j]!)) plain = false;
    }
    if (plain && j - i - 1 > best.end - best.start) best = { start: i + 1, end: j };
    i = j;
  }
  if (best.end === best.start) throw new LookalikeError('BAD_MODEL', `${file}: no base64 string literal found`);
  return Buffer.from(text.slice(best.start, best.end), 'base64');
}

const BASE64_CHAR = /[A-Za-z0-9+/=]/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
