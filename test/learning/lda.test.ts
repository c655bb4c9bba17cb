import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, type LabelledVector } from '../../src/evaluation/evaluate.js';
import { seededRandom } from '../../src/evaluation/split.js';
import { GramEngine } from '../../src/learning/gram.js';
import { applyHead, headConfig, headFromParams, headParams, outputDims, type Head } from '../../src/learning/head.js';
import { applyHeadToAll } from '../../src/learning/head-engine.js';
import { trainMlp } from '../../src/learning/mlp.js';
import { learnHead, project } from '../../src/learning/learn.js';
import { cholesky, symmetricEigen } from '../../src/learning/linalg.js';

describe('linear algebra', () => {
  it('Cholesky factors a symmetric positive definite matrix: LLᵀ = A', () => {
    const a = Float64Array.of(4, 2, 0.4, 2, 5, 1, 0.4, 1, 3);
    const l = cholesky(a, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += l[i * 3 + k]! * l[j * 3 + k]!;
      expect(s).toBeCloseTo(a[i * 3 + j]!, 12);
    }
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/not positive definite/);
  });

  it('Jacobi finds eigenvalues in descending order with their vectors', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(values)).toEqual([expect.closeTo(3, 12), expect.closeTo(1, 12)]);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12); // (1,1)/√2 for 3
    expect(vectors[0]! * vectors[2]!).toBeGreaterThan(0);
  });

  it('XᵀX through onnxruntime equals the sum of outer products', async () => {
    const engine = await GramEngine.create(1);
    const x = Float32Array.of(1, 2, 3, 4, 5, 6); // 3 rows × 2
    expect(Array.from(await engine.gram(x, 3, 2, 2))).toEqual([35, 44, 44, 56]);
    await engine.close();
  });
});

/** Gaussian classes whose means differ only along a few of many dimensions, plus heavy shared noise. */
function blobs(perClass: number, classes: number, dims: number, seed: number): LabelledVector[] {
  const rand = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const out: LabelledVector[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      const v = Float32Array.from({ length: dims }, (_, d) => (d < classes && d === c ? 1.5 : 0) + (d % 2 === 0 ? 3 : 0.3) * gauss());
      out.push({ path: `c${c}/${i}`, label: `c${c}`, vector: v });
    }
  }
  return out;
}

describe('learnHead', () => {
  let train: LabelledVector[];
  let test: LabelledVector[];
  beforeAll(() => {
    train = blobs(60, 4, 24, 1);
    test = blobs(20, 4, 24, 2);
  });
  afterAll(() => undefined);

  it('finds the discriminating directions: held-out precision rises well above raw cosine', async () => {
    const r = await learnHead(train, { seed: 1, threads: 1 });
    expect(r.labels).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(r.head.k).toBe(3);
    const raw = evaluate(train, test).precisionAt10;
    const learned = evaluate(await project(r.head, train, 1), await project(r.head, test, 1)).precisionAt10;
    expect(learned).toBeGreaterThan(raw + 0.2);
    expect(r.validation.headPrecisionAt10).toBeGreaterThan(r.validation.rawPrecisionAt10);
  });

  it('gives unit vectors and survives storage bit for bit', async () => {
    const { head } = await learnHead(train, { seed: 1, threads: 1 });
    const v = applyHead(head, test[0]!.vector);
    expect(v).toHaveLength(outputDims(head));
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    const back = headFromParams(headConfig(head), headParams(head));
    expect(Array.from(applyHead(back, test[0]!.vector))).toEqual(Array.from(v));
  });

  it('leaves out labels with one image and refuses fewer than two usable labels', async () => {
    const lone = { path: 'solo/1', label: 'solo', vector: train[0]!.vector };
    const r = await learnHead([...train, lone], { seed: 1, threads: 1 });
    expect(r.skippedLabels).toEqual(['solo']);
    expect(r.trainedOn).toBe(train.length);
    const oneLabel = train.filter((t) => t.label === 'c0');
    await expect(learnHead(oneLabel, { seed: 1, threads: 1 })).rejects.toThrow('learning needs at least two labels with two or more images each; found 1');
    await expect(learnHead([...oneLabel, lone], { seed: 1, threads: 1 })).rejects.toThrow('found 1 (with one image only: solo)');
  });
});

describe('MLP head', () => {
  it('trains by onnxruntime SGD: the loss falls and the hidden layer separates held-out classes', async () => {
    const train = blobs(60, 4, 24, 3);
    const test = blobs(20, 4, 24, 4);
    const x = new Float32Array(train.length * 24);
    train.forEach((t, i) => x.set(t.vector, i * 24));
    const losses: number[] = [];
    const w = await trainMlp(
      { x, rows: train.length, dims: 24, classes: Int32Array.from(train, (t) => Number(t.label.slice(1))), classCount: 4 },
      { hidden: 32, epochs: 30, batch: 32, learningRate: 0.05, weightDecay: 1e-4, seed: 1, threads: 1, onEpoch: (_, l) => losses.push(l) },
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
    const head: Head = { kind: 'mlp', inputDims: 24, k: 32, mean: new Float32Array(24), matrix: w.w1, bias: w.b1, rawWeight: 0 };
    const raw = evaluate(train, test).precisionAt10;
    const learned = evaluate(await project(head, train, 1), await project(head, test, 1)).precisionAt10;
    expect(learned).toBeGreaterThan(raw + 0.1);
  });

  it('applies a head in bulk (onnxruntime) as it does one vector at a time', async () => {
    const rand = seededRandom(9);
    const head: Head = {
      kind: 'mlp', inputDims: 6, k: 4, rawWeight: 0.3,
      mean: Float32Array.from({ length: 6 }, rand), matrix: Float32Array.from({ length: 24 }, () => rand() - 0.5), bias: Float32Array.from({ length: 4 }, () => rand() - 0.5),
    };
    const vectors = Array.from({ length: 5 }, () => Float32Array.from({ length: 6 }, rand));
    const bulk = await applyHeadToAll(head, vectors, 1);
    vectors.forEach((v, i) => {
      const one = applyHead(head, v);
      expect(Math.max(...one.map((x, j) => Math.abs(x - bulk[i]![j]!)))).toBeLessThan(1e-6);
    });
  });
});
