/**
 * TF op → ONNX node mapping. Four-dimensional activations flow in NCHW (ONNX Conv's layout);
 * each mapper asks the context for its inputs in the layout it needs, and the context inserts
 * the Transposes. Weights are transposed here, at conversion time, never in the graph.
 */
import { LookalikeError } from '../../core/errors.js';
import type { Attrs, OnnxGraphBuilder } from '../../onnx/graph-builder.js';
import type { TfAttr, TfNode, TfWeight } from './tfjs-graph.js';

/** A dimension in TF layout; null where it depends on the free input size (or is unknown). */
export type Shape = (number | null)[];

/** A converted TF tensor. */
export interface Value {
  /** ONNX name of the TF-layout form; the NCHW form is `${name}:nchw` (':' cannot occur in TF node names). */
  name: string;
  /** Which of the two forms the producing node emitted. */
  nchw: boolean;
  /** TF-layout shape with free input dims; `declared` is the same at the model's declared input size. */
  shape: Shape;
  declared: Shape;
  /** For Const nodes: the weight, so mappers can fold it into initialisers. */
  constant?: TfWeight;
}

export interface ConvertContext {
  builder: OnnxGraphBuilder;
  globalPool: boolean;
  /** ONNX name of a value in TF layout (NHWC for 4-D). */
  tf(v: Value): string;
  /** ONNX name of a 4-D value in NCHW; a constant of lower rank is first broadcast to 4-D. */
  nchw(v: Value): string;
  /** A scalar float initialiser, shared across the graph. */
  scalar(value: number): string;
}

type Mapper = (node: TfNode, inputs: Value[], ctx: ConvertContext) => Value;

/** NHWC axis i is NCHW axis NCHW_AXIS[i]. */
const NCHW_AXIS = [0, 2, 3, 1];
export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

export function mapperFor(node: TfNode): Mapper {
  const mapper = MAPPERS[node.op];
  if (!mapper) throw unsupported(node, `op ${node.op} has no ONNX mapping`);
  return mapper;
}

const MAPPERS: Record<string, Mapper> = {
  Identity: (_node, [x]) => x!,
  Add: binary('Add'),
  AddV2: binary('Add'),
  BiasAdd: (node, inputs, ctx) => {
    if ((attrString(node, 'data_format') ?? 'NHWC') !== 'NHWC') throw unsupported(node, 'BiasAdd with data_format NCHW');
    return binary('Add')(node, inputs, ctx);
  },
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Relu: (node, [x], ctx) => activation(node, x!, 'Relu', ctx),
  Relu6: (node, [x], ctx) => activation(node, x!, 'Relu6', ctx),
  Conv2D: conv(false),
  _FusedConv2D: conv(false),
  DepthwiseConv2dNative: conv(true),
  FusedDepthwiseConv2dNative: conv(true),
  AvgPool: pool('AveragePool'),
  MaxPool: pool('MaxPool'),
  Mean: mean,
  Squeeze: squeeze,
  Reshape: reshape,
  MatMul: matMul,
  _FusedMatMul: matMul,
  Softmax: (node, [x], ctx) => {
    ctx.builder.node('Softmax', [ctx.tf(x!)], node.name, { axis: -1 });
    return { name: node.name, nchw: false, shape: x!.shape, declared: x!.declared };
  },
};

/** Element-wise op with numpy broadcasting. Stays NCHW when the 4-D operands allow it. */
function binary(onnxOp: string): Mapper {
  return (node, inputs, ctx) => {
    if (inputs.length !== 2) throw badModel(node, `expects 2 inputs, has ${inputs.length}`);
    const shape = broadcast(node, inputs[0]!.shape, inputs[1]!.shape);
    const declared = broadcast(node, inputs[0]!.declared, inputs[1]!.declared);
    const nchw = shape.length === 4
      && inputs.every((v) => v.constant || v.shape.length === 4)
      && inputs.some((v) => !v.constant && v.nchw);
    const operands = inputs.map((v) => (nchw ? ctx.nchw(v) : ctx.tf(v)));
    return emit(ctx, node, onnxOp, operands, {}, nchw, shape, declared);
  };
}

/** Relu, Relu6 (as Clip, which takes its bounds as inputs from opset 11), or nothing. */
function activation(node: TfNode, x: Value, kind: string, ctx: ConvertContext): Value {
  const input = x.nchw ? ctx.nchw(x) : ctx.tf(x);
  if (kind === 'Relu') return emit(ctx, node, 'Relu', [input], {}, x.nchw, x.shape, x.declared);
  if (kind === 'Relu6') return emit(ctx, node, 'Clip', [input, ctx.scalar(0), ctx.scalar(6)], {}, x.nchw, x.shape, x.declared);
  throw unsupported(node, `fused activation ${kind}`);
}

/** Conv2D / DepthwiseConv2dNative and their fused forms (BiasAdd, then an optional activation). */
function conv(depthwise: boolean): Mapper {
  return (node, [x, filterValue, bias], ctx) => {
    const filter = constantOf(node, filterValue, 'filter');
    if (filter.shape.length !== 4) throw badModel(node, `filter has shape [${filter.shape}], expected 4-D`);
    if (x!.shape.length !== 4) throw badModel(node, `input has rank ${x!.shape.length}, expected 4`);
    const [kh, kw, cin, last] = filter.shape as [number, number, number, number];
    if (x!.shape[3] !== null && x!.shape[3] !== cin) throw badModel(node, `input has ${x!.shape[3]} channels, filter expects ${cin}`);
    requireNhwc(node);
    const strides = spatial(node, 'strides');
    const dilations = spatial(node, 'dilations', [1, 1]);
    const group = depthwise ? cin : 1;
    const cout = depthwise ? cin * last : last; // depthwise: last is the channel multiplier
    // HWIO → OIHW; depthwise [H,W,C,M] is [H,W,C*M] with output channel c*M+m, so → [C*M,1,H,W] with group C.
    const weight = depthwise
      ? permute(floatData(node, filter), [kh, kw, cout], [2, 0, 1])
      : permute(floatData(node, filter), [kh, kw, cin, cout], [3, 2, 0, 1]);
    const weightName = ctx.builder.floatTensor(`${node.name}:weight`, [cout, depthwise ? 1 : cin, kh, kw], weight);

    const [extra, act, ...rest] = attrStrings(node, 'fused_ops');
    const fused = node.op.startsWith('_Fused') || node.op.startsWith('Fused');
    if (fused && extra !== 'BiasAdd') throw unsupported(node, `fused op ${extra ?? '(none)'}; only BiasAdd then an activation is mapped`);
    if (rest.length > 0) throw unsupported(node, `fused ops ${rest.join(', ')}`);
    const inputs = [ctx.nchw(x!), weightName];
    if (fused) inputs.push(ctx.builder.floatTensor(`${node.name}:bias`, [cout], floatData(node, constantOf(node, bias, 'bias'))));

    const padding = convPadding(node, [kh, kw], strides, dilations);
    const shape = convShape(x!.shape, [kh, kw], strides, dilations, padding, cout);
    const declared = convShape(x!.declared, [kh, kw], strides, dilations, padding, cout);
    const attrs: Attrs = { kernel_shape: [kh, kw], strides, dilations, group, ...padding.onnx };
    if (!act) return emit(ctx, node, 'Conv', inputs, attrs, true, shape, declared);
    const pre = { ...node, name: `${node.name}:preact` };
    return activation(node, emit(ctx, pre, 'Conv', inputs, attrs, true, shape, declared), act, ctx);
  };
}

function pool(onnxOp: 'AveragePool' | 'MaxPool'): Mapper {
  return (node, [x], ctx) => {
    if (x!.shape.length !== 4) throw badModel(node, `input has rank ${x!.shape.length}, expected 4`);
    requireNhwc(node);
    const kernel = spatial(node, 'ksize');
    const strides = spatial(node, 'strides');
    const padding = convPadding(node, kernel, strides, [1, 1]);
    const channels = x!.shape[3] ?? null;
    const declared = convShape(x!.declared, kernel, strides, [1, 1], padding, channels);
    // A window covering the whole declared map is a global average: say so, and any input size works.
    if (onnxOp === 'AveragePool' && ctx.globalPool && attrString(node, 'padding') === 'VALID'
      && x!.declared[1] === kernel[0] && x!.declared[2] === kernel[1]) {
      return emit(ctx, node, 'GlobalAveragePool', [ctx.nchw(x!)], {}, true, [x!.shape[0] ?? null, 1, 1, channels], declared);
    }
    const shape = convShape(x!.shape, kernel, strides, [1, 1], padding, channels);
    return emit(ctx, node, onnxOp, [ctx.nchw(x!)], { kernel_shape: kernel, strides, ...padding.onnx }, true, shape, declared);
  };
}

function mean(node: TfNode, [x, axesValue]: Value[], ctx: ConvertContext): Value {
  const rank = x!.shape.length;
  const axes = [...constantOf(node, axesValue, 'axes').data].map((a) => (a < 0 ? a + rank : a));
  const keep = attrBool(node, 'keep_dims');
  const reduce = (s: Shape) => (keep ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i)));
  const nchw = x!.nchw && rank === 4 && (keep || sameOrderAfterRemoving(axes));
  const onnxAxes = nchw ? axes.map((a) => NCHW_AXIS[a]!) : axes;
  const input = nchw ? ctx.nchw(x!) : ctx.tf(x!);
  return emit(ctx, node, 'ReduceMean', [input], { axes: onnxAxes, keepdims: keep ? 1 : 0 }, nchw && keep, reduce(x!.shape), reduce(x!.declared));
}

function squeeze(node: TfNode, [x]: Value[], ctx: ConvertContext): Value {
  const rank = x!.shape.length;
  let axes = (attrInts(node, 'squeeze_dims') ?? attrInts(node, 'axis') ?? []).map((a) => (a < 0 ? a + rank : a));
  if (axes.length === 0) {
    if (x!.shape.includes(null)) throw unsupported(node, 'Squeeze of every size-1 axis needs a fully known shape');
    axes = x!.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    if (axes.length === 0) return x!; // ONNX would read empty axes as "all size-1 axes"; here there are none
  }
  const nchw = x!.nchw && rank === 4 && sameOrderAfterRemoving(axes);
  const onnxAxes = nchw ? axes.map((a) => NCHW_AXIS[a]!) : axes;
  const input = nchw ? ctx.nchw(x!) : ctx.tf(x!);
  const axesName = ctx.builder.int64Tensor(`${node.name}:axes`, [onnxAxes.length], onnxAxes);
  const drop = (s: Shape) => s.filter((_, i) => !axes.includes(i));
  return emit(ctx, node, 'Squeeze', [input, axesName], {}, false, drop(x!.shape), drop(x!.declared));
}

function reshape(node: TfNode, [x, shapeValue]: Value[], ctx: ConvertContext): Value {
  const target = [...constantOf(node, shapeValue, 'shape').data];
  // ONNX (before allowzero) reads 0 as "copy this dim"; TF means an empty axis.
  if (target.includes(0)) throw unsupported(node, 'Reshape to a zero-sized axis');
  const infer = (s: Shape): Shape => {
    const known = s.every((d) => d !== null) ? (s as number[]).reduce((a, b) => a * b, 1) : null;
    const rest = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return target.map((d) => (d !== -1 ? d : known === null ? null : known / rest));
  };
  const shapeName = ctx.builder.int64Tensor(`${node.name}:shape`, [target.length], target);
  return emit(ctx, node, 'Reshape', [ctx.tf(x!), shapeName], {}, false, infer(x!.shape), infer(x!.declared));
}

/** MatMul / _FusedMatMul as Gemm, which takes the bias and the transposes directly. */
function matMul(node: TfNode, [a, b, bias]: Value[], ctx: ConvertContext): Value {
  if (a!.shape.length !== 2 || b!.shape.length !== 2) throw badModel(node, 'MatMul operands must be 2-D');
  const transA = attrBool(node, 'transpose_a');
  const transB = attrBool(node, 'transpose_b');
  const [extra, act, ...rest] = attrStrings(node, 'fused_ops');
  if (node.op === '_FusedMatMul' && extra !== 'BiasAdd') throw unsupported(node, `fused op ${extra ?? '(none)'}; only BiasAdd then an activation is mapped`);
  if (rest.length > 0) throw unsupported(node, `fused ops ${rest.join(', ')}`);
  const inputs = [ctx.tf(a!), ctx.tf(b!)];
  if (node.op === '_FusedMatMul') inputs.push(ctx.tf(bias!));
  const out = (sa: Shape, sb: Shape): Shape => [sa[transA ? 1 : 0]!, sb[transB ? 0 : 1]!];
  const attrs = { transA: transA ? 1 : 0, transB: transB ? 1 : 0 };
  const shape = out(a!.shape, b!.shape);
  const declared = out(a!.declared, b!.declared);
  if (!act) return emit(ctx, node, 'Gemm', inputs, attrs, false, shape, declared);
  const pre = { ...node, name: `${node.name}:preact` };
  return activation(node, emit(ctx, pre, 'Gemm', inputs, attrs, false, shape, declared), act, ctx);
}

function emit(ctx: ConvertContext, node: TfNode, onnxOp: string, inputs: string[], attrs: Attrs, nchw: boolean, shape: Shape, declared: Shape): Value {
  ctx.builder.node(onnxOp, inputs, nchw ? `${node.name}:nchw` : node.name, attrs);
  return { name: node.name, nchw, shape, declared };
}

interface Padding {
  /** SAME here means size-dependent padding, left to ONNX's auto_pad. */
  kind: 'SAME' | 'FIXED';
  /** [top, left, bottom, right] when FIXED. */
  pads: number[];
  onnx: Attrs;
}

/**
 * TF SAME pads (k-1)*d in total with the odd pixel at the end. At stride 1 that total does not depend
 * on the input size, so it becomes fixed pads (ORT refuses auto_pad with dilation). At larger strides
 * it does, and ONNX SAME_UPPER computes it the way TF does.
 */
function convPadding(node: TfNode, kernel: number[], strides: number[], dilations: number[]): Padding {
  const kind = attrString(node, 'padding');
  const fixed = (pads: number[]): Padding => ({ kind: 'FIXED', pads, onnx: { pads } });
  if (kind === 'VALID') return fixed([0, 0, 0, 0]);
  if (kind === 'SAME') {
    if (strides.every((s) => s === 1)) {
      const total = kernel.map((k, i) => (k - 1) * dilations[i]!);
      const begin = total.map((t) => Math.floor(t / 2));
      return fixed([...begin, ...total.map((t, i) => t - begin[i]!)]);
    }
    if (dilations.some((d) => d !== 1)) throw unsupported(node, 'SAME padding with both stride and dilation above 1');
    return { kind, pads: [], onnx: { auto_pad: 'SAME_UPPER' } };
  }
  if (kind === 'EXPLICIT') {
    const p = attrInts(node, 'explicit_paddings') ?? [];
    if (p.length !== 8 || p[0] || p[1] || p[6] || p[7]) throw badModel(node, `explicit_paddings [${p}] must pad only H and W`);
    return fixed([p[2]!, p[4]!, p[3]!, p[5]!]);
  }
  throw unsupported(node, `padding ${kind ?? '(missing)'}`);
}

function convShape(x: Shape, kernel: number[], strides: number[], dilations: number[], padding: Padding, channels: number | null): Shape {
  const dim = (n: number | null, i: number): number | null => {
    if (n === null) return null;
    const s = strides[i]!;
    if (padding.kind === 'SAME') return Math.ceil(n / s);
    const padded = n + padding.pads[i]! + padding.pads[i + 2]!;
    return Math.floor((padded - (kernel[i]! - 1) * dilations[i]! - 1) / s) + 1;
  };
  return [x[0]!, dim(x[1]!, 0), dim(x[2]!, 1), channels];
}

function broadcast(node: TfNode, a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (da !== null && db !== null && da !== db && da !== 1 && db !== 1) throw badModel(node, `cannot broadcast [${a}] with [${b}]`);
    out.push(da === 1 ? db : db === 1 ? da : (da ?? db));
  }
  return out;
}

/** Removing these NHWC axes leaves the rest in the same order whether read from NHWC or NCHW. */
function sameOrderAfterRemoving(axes: number[]): boolean {
  const keptTf = [0, 1, 2, 3].filter((a) => !axes.includes(a));
  const keptNchw = TO_NCHW.filter((a) => !axes.includes(a));
  return keptTf.every((a, i) => keptNchw[i] === a);
}

/** Reorders a dense row-major tensor: output axis i is input axis perm[i]. */
export function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; s *= shape[i]!, i--) inStrides[i] = s;
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) { src += strides[d]!; break; }
      index[d] = 0;
      src -= strides[d]! * (outShape[d]! - 1);
    }
  }
  return out;
}

function constantOf(node: TfNode, v: Value | undefined, role: string): TfWeight {
  if (!v) throw badModel(node, `missing ${role} input`);
  if (!v.constant) throw unsupported(node, `${role} must be a constant`);
  return v.constant;
}

function floatData(node: TfNode, w: TfWeight): Float32Array {
  if (w.dtype !== 'float32') throw badModel(node, `expected float32 weights, got ${w.dtype}`);
  return w.data;
}

function requireNhwc(node: TfNode): void {
  const format = attrString(node, 'data_format') ?? 'NHWC';
  if (format !== 'NHWC') throw unsupported(node, `data_format ${format}`);
}

/** The H and W entries of a 4-element NHWC attribute list. */
function spatial(node: TfNode, name: string, fallback?: number[]): number[] {
  const v = attrInts(node, name);
  if (!v) {
    if (fallback) return fallback;
    throw badModel(node, `missing attribute ${name}`);
  }
  if (v.length !== 4) throw badModel(node, `${name} must have 4 entries, has [${v}]`);
  return [v[1]!, v[2]!];
}

// TF.js stores strings base64-encoded and 64-bit ints as decimal strings.
function attr(node: TfNode, name: string): TfAttr | undefined {
  return node.attr[name];
}
function attrString(node: TfNode, name: string): string | undefined {
  const s = attr(node, name)?.s;
  return s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8');
}
function attrStrings(node: TfNode, name: string): string[] {
  return (attr(node, name)?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}
function attrInts(node: TfNode, name: string): number[] | undefined {
  return attr(node, name)?.list?.i?.map(Number);
}
function attrBool(node: TfNode, name: string): boolean {
  return attr(node, name)?.b === true;
}

export function unsupported(node: TfNode, what: string): LookalikeError {
  return new LookalikeError('UNSUPPORTED_OP', `cannot convert node ${node.name} (op ${node.op}): ${what}`);
}

export function badModel(node: TfNode, what: string): LookalikeError {
  return new LookalikeError('BAD_MODEL', `node ${node.name} (op ${node.op}): ${what}`);
}
