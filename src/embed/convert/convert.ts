/**
 * TF.js graph model → ONNX bytes. Only the nodes the requested outputs depend on are converted;
 * outputs keep TF's name and layout (NHWC for 4-D), so they compare directly with TF.js.
 */
import { LookalikeError } from '../../core/errors.js';
import { FLOAT, OnnxGraphBuilder, UINT8, type Dim } from '../../onnx/graph-builder.js';
import { TO_NCHW, TO_NHWC, badModel, mapperFor, permute, type ConvertContext, type Shape, type Value } from './ops.js';
import type { TfGraphModel, TfNode } from './tfjs-graph.js';

/** Bump when the emitted graph changes, so cached conversions are redone. */
export const CONVERTER_VERSION = '3';
const OPSET = 13;
const IR_VERSION = 7; // the IR that opset 13 shipped with
export const INPUT = 'input';

export interface ConvertOptions {
  /** TF node names to expose as ONNX outputs, in this order. */
  outputs: string[];
  /** Turn an AvgPool that spans the whole map at the declared input size into GlobalAveragePool. */
  globalPool?: boolean;
  /**
   * Take uint8 pixels (0–255) and scale them to [0,1] inside the graph: the runtime's SIMD
   * does in microseconds what a JavaScript loop over the tensor does in about a millisecond.
   */
  byteInput?: boolean;
  /** Average each 4-D output over height and width, so it comes out as [N, C] whatever the input size. */
  poolOutputs?: boolean;
}

export function convertTfjsGraph(model: TfGraphModel, options: ConvertOptions): Uint8Array {
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const clash = byName.get(INPUT);
  if (clash && clash.op !== 'Placeholder') throw badModel(clash, `the name '${INPUT}' is reserved for the model input`);
  checkOutputs(options.outputs, byName);
  const builder = new OnnxGraphBuilder();
  const ctx = new Context(builder, options.globalPool ?? false, options.byteInput ?? false);
  const values = new Map<string, Value>();
  for (const node of dependencyOrder(options.outputs, byName)) {
    const inputs = node.inputs.map((ref) => values.get(ref)!);
    values.set(node.name, convertNode(node, inputs, ctx, model));
  }
  for (const name of options.outputs) {
    const value = values.get(name)!;
    if (options.poolOutputs && value.shape.length === 4) {
      builder.node('GlobalAveragePool', [ctx.nchw(value)], `${name}:pooled`);
      builder.node('Flatten', [`${name}:pooled`], name, { axis: 1 });
      builder.output(name, FLOAT, [value.shape[0] ?? 'N', value.shape[3] ?? null]);
      continue;
    }
    const tfName = ctx.tf(value);
    if (tfName !== name) builder.node('Identity', [tfName], name);
    builder.output(name, FLOAT, value.shape);
  }
  return builder.serialise({
    graphName: 'lookalike',
    opset: OPSET,
    irVersion: IR_VERSION,
    producer: 'lookalike-tfjs-convert',
    version: CONVERTER_VERSION,
    doc: 'Converted from a TF.js graph model. Input NHWC float32 in [0,1]; outputs in TF layout.',
  });
}

function convertNode(node: TfNode, inputs: Value[], ctx: Context, model: TfGraphModel): Value {
  if (node.op === 'Placeholder') return declareInput(node, model.inputShape, ctx);
  if (node.op === 'Const') {
    const constant = model.weights.get(node.name);
    if (!constant) throw badModel(node, 'no weight of this name in the weights manifest');
    return { name: node.name, nchw: false, shape: constant.shape, declared: constant.shape, constant };
  }
  return mapperFor(node)(node, inputs, ctx);
}

/**
 * The ONNX input is always called `input`, whatever the Placeholder's name, so callers need not know it.
 * Batch, height and width are left free whatever the model declares, so other input sizes run.
 */
function declareInput(node: TfNode, declaredShape: number[], ctx: Context): Value {
  const image = declaredShape.length === 4;
  const free = (i: number) => i === 0 || (image && i < 3);
  const dims: Dim[] = declaredShape.map((d, i) => (free(i) || d < 0 ? (image ? ['N', 'H', 'W', 'C'][i]! : `d${i}`) : d));
  const shape: Shape = dims.map((d) => (typeof d === 'number' ? d : null));
  const declared: Shape = declaredShape.map((d, i) => (i === 0 || d < 0 ? null : d));
  if (!ctx.byteInput) {
    ctx.builder.input(INPUT, FLOAT, dims);
    return { name: INPUT, nchw: false, shape, declared };
  }
  ctx.builder.input(INPUT, UINT8, dims);
  ctx.builder.node('Cast', [INPUT], `${INPUT}:float`, { to: FLOAT });
  ctx.builder.node('Mul', [`${INPUT}:float`, ctx.scalar(1 / 255)], `${INPUT}:unit`);
  return { name: `${INPUT}:unit`, nchw: false, shape, declared };
}

function checkOutputs(outputs: string[], byName: Map<string, TfNode>): void {
  if (outputs.length === 0) throw new LookalikeError('BAD_ARGUMENT', 'at least one output node must be requested');
  if (new Set(outputs).size !== outputs.length) throw new LookalikeError('BAD_ARGUMENT', `outputs repeat a name: ${outputs.join(', ')}`);
  for (const name of outputs) {
    const node = byName.get(name);
    if (!node) throw new LookalikeError('BAD_ARGUMENT', `the model has no node named ${name}`);
    if (node.op === 'Placeholder' || node.op === 'Const') {
      throw new LookalikeError('BAD_ARGUMENT', `${name} is a ${node.op}, not a computed value; it cannot be an output`);
    }
  }
}

/** Post-order walk from the outputs: each node after its inputs, unreachable nodes left out. Iterative, so deep graphs cannot overflow the stack. */
function dependencyOrder(outputs: string[], byName: Map<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const done = new Set<string>();
  const open = new Set<string>();
  for (const root of outputs) {
    if (done.has(root)) continue;
    const stack = [{ node: byName.get(root)!, next: 0 }];
    open.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const ref = top.node.inputs[top.next++];
      if (ref === undefined) {
        stack.pop();
        open.delete(top.node.name);
        done.add(top.node.name);
        order.push(top.node);
      } else if (!done.has(ref)) {
        if (open.has(ref)) throw badModel(top.node, `input ${ref} forms a cycle`);
        open.add(ref);
        stack.push({ node: lookup(ref, top.node, byName), next: 0 });
      }
    }
  }
  return order;
}

function lookup(ref: string, consumer: TfNode, byName: Map<string, TfNode>): TfNode {
  const node = byName.get(ref);
  if (node) return node;
  if (/:\d+$/.test(ref)) {
    throw new LookalikeError('UNSUPPORTED_OP', `cannot convert node ${consumer.name} (op ${consumer.op}): it reads output ${ref}; only single-output ops are mapped`);
  }
  throw badModel(consumer, `input ${ref} is not a node of the graph`);
}

/** Hands out each value's ONNX name in the layout asked for, emitting a Transpose or initialiser the first time. */
class Context implements ConvertContext {
  private readonly emitted = new Set<string>();

  constructor(readonly builder: OnnxGraphBuilder, readonly globalPool: boolean, readonly byteInput: boolean) {}

  tf(v: Value): string {
    if (v.constant) {
      const { data, shape } = floatConstant(v);
      return this.once(v.name, () => this.builder.floatTensor(v.name, shape, data));
    }
    if (!v.nchw) return v.name;
    return this.once(v.name, () => this.builder.node('Transpose', [`${v.name}:nchw`], v.name, { perm: TO_NHWC }));
  }

  nchw(v: Value): string {
    const name = `${v.name}:nchw`;
    if (v.constant) {
      const { data, shape } = floatConstant(v);
      if (shape.length > 4) throw new LookalikeError('UNSUPPORTED_OP', `constant ${v.name} of rank ${shape.length} combined with a 4-D tensor`);
      // Left-pad to 4-D as broadcasting would, then reorder like the activation it meets.
      const shape4 = [...new Array<number>(4 - shape.length).fill(1), ...shape];
      return this.once(name, () => this.builder.floatTensor(name, TO_NCHW.map((a) => shape4[a]!), permute(data, shape4, TO_NCHW)));
    }
    if (v.nchw) return name;
    if (v.shape.length !== 4) throw new Error(`internal: ${v.name} has rank ${v.shape.length}, cannot be NCHW`);
    return this.once(name, () => this.builder.node('Transpose', [v.name], name, { perm: TO_NCHW }));
  }

  scalar(value: number): string {
    const name = `const:${value}`;
    return this.once(name, () => this.builder.floatTensor(name, [], Float32Array.of(value)));
  }

  private once(name: string, make: () => void): string {
    if (!this.emitted.has(name)) {
      make();
      this.emitted.add(name);
    }
    return name;
  }
}

function floatConstant(v: Value): { data: Float32Array; shape: number[] } {
  const c = v.constant!;
  if (c.dtype !== 'float32') throw new LookalikeError('UNSUPPORTED_OP', `int32 constant ${v.name} is used as float data`);
  return c;
}
