import * as ort from 'onnxruntime-node';
import { FLOAT, OnnxGraphBuilder } from '../onnx/graph-builder.js';
import { seededRandom } from '../evaluation/split.js';
import type { TrainingSet } from './lda.js';

/** One hidden layer of ReLU units; its activations are the embedding, the classifier on top trains them. */
export interface MlpWeights {
  inputDims: number;
  hidden: number;
  w1: Float32Array; // inputDims × hidden
  b1: Float32Array; // hidden
}

export interface MlpOptions {
  hidden: number;
  epochs: number;
  batch: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
  threads: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

const PARAMS = ['w1', 'b1', 'w2', 'b2'] as const;

/**
 * One step of SGD with momentum on softmax cross-entropy, as an ONNX graph: onnxruntime's
 * GEMM does the forward and backward passes on all cores, where JavaScript would need minutes.
 */
function trainStepGraph(d: number, h: number, c: number): Uint8Array {
  const b = new OnnxGraphBuilder();
  b.input('x', FLOAT, ['B', d]);
  b.input('y', FLOAT, ['B', c]);
  b.input('ones', FLOAT, [1, 'B']);
  for (const [name, shape] of [['w1', [d, h]], ['b1', [1, h]], ['w2', [h, c]], ['b2', [1, c]]] as const) {
    b.input(name, FLOAT, [...shape]);
    b.input(`v_${name}`, FLOAT, [...shape]);
  }
  for (const s of ['lr', 'momentum', 'inv_batch', 'decay']) b.input(s, FLOAT, []);
  b.node('MatMul', ['x', 'w1'], 'xw1');
  b.node('Add', ['xw1', 'b1'], 'z1');
  b.node('Relu', ['z1'], 'h');
  b.node('MatMul', ['h', 'w2'], 'hw2');
  b.node('Add', ['hw2', 'b2'], 'z2');
  b.node('Softmax', ['z2'], 'p', { axis: 1 });
  // Mean cross-entropy, for progress: -Σ y·log p / B
  b.node('Log', ['p'], 'logp');
  b.node('Mul', ['y', 'logp'], 'ylogp');
  b.node('ReduceSum', ['ylogp', b.int64Tensor('all_axes', [2], [0, 1])], 'sum_ylogp', { keepdims: 0 });
  b.node('Mul', ['sum_ylogp', 'inv_batch'], 'neg_loss');
  b.node('Neg', ['neg_loss'], 'loss');
  // Gradients
  b.node('Sub', ['p', 'y'], 'dz2_raw');
  b.node('Mul', ['dz2_raw', 'inv_batch'], 'dz2');
  b.node('Transpose', ['h'], 'h_t', { perm: [1, 0] });
  b.node('MatMul', ['h_t', 'dz2'], 'g_w2');
  b.node('MatMul', ['ones', 'dz2'], 'g_b2');
  b.node('Transpose', ['w2'], 'w2_t', { perm: [1, 0] });
  b.node('MatMul', ['dz2', 'w2_t'], 'dh');
  b.node('Greater', ['z1', b.floatTensor('zero', [], Float32Array.of(0))], 'active');
  b.node('Cast', ['active'], 'mask', { to: FLOAT });
  b.node('Mul', ['dh', 'mask'], 'dz1');
  b.node('Transpose', ['x'], 'x_t', { perm: [1, 0] });
  b.node('MatMul', ['x_t', 'dz1'], 'g_w1');
  b.node('MatMul', ['ones', 'dz1'], 'g_b1');
  // v = momentum·v + g + decay·w (biases undecayed); w = w − lr·v
  for (const p of PARAMS) {
    const decayed = p.startsWith('w');
    if (decayed) {
      b.node('Mul', [p, 'decay'], `${p}_decay`);
      b.node('Add', [`g_${p}`, `${p}_decay`], `g2_${p}`);
    }
    b.node('Mul', [`v_${p}`, 'momentum'], `mv_${p}`);
    b.node('Add', [`mv_${p}`, decayed ? `g2_${p}` : `g_${p}`], `new_v_${p}`);
    b.node('Mul', [`new_v_${p}`, 'lr'], `step_${p}`);
    b.node('Sub', [p, `step_${p}`], `new_${p}`);
  }
  for (const [name, shape] of [['w1', [d, h]], ['b1', [1, h]], ['w2', [h, c]], ['b2', [1, c]]] as const) {
    b.output(`new_${name}`, FLOAT, [...shape]);
    b.output(`new_v_${name}`, FLOAT, [...shape]);
  }
  b.output('loss', FLOAT, []);
  return b.serialise({ graphName: 'mlp_train_step', opset: 13, irVersion: 7, producer: 'lookalike', version: '1', doc: 'one SGD step' });
}

/** Trains the MLP on labelled vectors; returns the hidden layer, the part that embeds. */
export async function trainMlp(set: TrainingSet, opts: MlpOptions): Promise<MlpWeights> {
  const { x, rows, dims: d, classes, classCount: c } = set;
  const h = opts.hidden;
  const rand = seededRandom(opts.seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const he = (fanIn: number, n: number): Float32Array => Float32Array.from({ length: n }, () => gauss() * Math.sqrt(2 / fanIn));
  const params: Record<string, Float32Array> = { w1: he(d, d * h), b1: new Float32Array(h), w2: he(h, h * c), b2: new Float32Array(c) };
  const velocity: Record<string, Float32Array> = Object.fromEntries(PARAMS.map((p) => [p, new Float32Array(params[p]!.length)]));
  const shapes: Record<string, number[]> = { w1: [d, h], b1: [1, h], w2: [h, c], b2: [1, c] };
  const session = await ort.InferenceSession.create(trainStepGraph(d, h, c), { intraOpNumThreads: opts.threads, graphOptimizationLevel: 'all' });
  const scalar = (v: number): ort.Tensor => new ort.Tensor('float32', Float32Array.of(v), []);
  try {
    const order = Array.from({ length: rows }, (_, i) => i);
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      // Cosine decay of the step over the run: large steps early, fine ones at the end.
      const lr = opts.learningRate * 0.5 * (1 + Math.cos((Math.PI * epoch) / opts.epochs));
      let lossSum = 0;
      let steps = 0;
      for (let start = 0; start + 1 < rows; start += opts.batch) {
        const idx = order.slice(start, start + opts.batch);
        const n = idx.length;
        const xb = new Float32Array(n * d);
        const yb = new Float32Array(n * c);
        idx.forEach((r, k) => {
          xb.set(x.subarray(r * d, (r + 1) * d), k * d);
          yb[k * c + classes[r]!] = 1;
        });
        const feeds: Record<string, ort.Tensor> = {
          x: new ort.Tensor('float32', xb, [n, d]), y: new ort.Tensor('float32', yb, [n, c]),
          ones: new ort.Tensor('float32', new Float32Array(n).fill(1), [1, n]),
          lr: scalar(lr), momentum: scalar(0.9), inv_batch: scalar(1 / n), decay: scalar(opts.weightDecay),
        };
        for (const p of PARAMS) {
          feeds[p] = new ort.Tensor('float32', params[p]!, shapes[p]!);
          feeds[`v_${p}`] = new ort.Tensor('float32', velocity[p]!, shapes[p]!);
        }
        const out = await session.run(feeds);
        for (const p of PARAMS) {
          params[p] = out[`new_${p}`]!.data as Float32Array;
          velocity[p] = out[`new_v_${p}`]!.data as Float32Array;
        }
        lossSum += (out.loss!.data as Float32Array)[0]!;
        steps++;
      }
      opts.onEpoch?.(epoch + 1, lossSum / Math.max(steps, 1));
    }
  } finally {
    await session.release();
  }
  return { inputDims: d, hidden: h, w1: params.w1!, b1: params.b1! };
}
