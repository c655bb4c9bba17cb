import { LookalikeError } from '../core/errors.js';
import type { GramEngine } from './gram.js';
import { cholesky, solveLower, solveUpperTransposed, symmetricEigen } from './linalg.js';

/** Labelled vectors as flat arrays: rows × dims, and a class index per row. */
export interface TrainingSet {
  x: Float32Array;
  rows: number;
  dims: number;
  classes: Int32Array;
  classCount: number;
}

/** Within-class scatter and class statistics: computed once, reused for every shrinkage tried. */
export interface Scatter {
  dims: number;
  mean: Float64Array;
  /** Class means minus the overall mean, each scaled by √(class share): dims × classCount. */
  between: Float64Array;
  classCount: number;
  within: Float64Array;
}

export async function scatter(set: TrainingSet, engine: GramEngine): Promise<Scatter> {
  const { x, rows, dims, classes, classCount } = set;
  const mean = new Float64Array(dims);
  const sums = new Float64Array(classCount * dims);
  const counts = new Float64Array(classCount);
  for (let r = 0; r < rows; r++) {
    const c = classes[r]!;
    counts[c]!++;
    for (let i = 0; i < dims; i++) {
      sums[c * dims + i]! += x[r * dims + i]!;
      mean[i]! += x[r * dims + i]!;
    }
  }
  for (let i = 0; i < dims; i++) mean[i]! /= rows;
  const centred = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    const c = classes[r]!;
    for (let i = 0; i < dims; i++) centred[r * dims + i] = x[r * dims + i]! - sums[c * dims + i]! / counts[c]!;
  }
  const within = await engine.gram(centred, rows, dims);
  for (let i = 0; i < within.length; i++) within[i]! /= rows;
  const between = new Float64Array(dims * classCount);
  for (let c = 0; c < classCount; c++) {
    const w = Math.sqrt(counts[c]! / rows);
    for (let i = 0; i < dims; i++) between[i * classCount + c] = w * (sums[c * dims + i]! / counts[c]! - mean[i]!);
  }
  return { dims, mean, between, classCount, within };
}

/**
 * Linear discriminant directions W (dims × classCount−1) for Sw + α·tr(Sw)/d·I: with
 * Sw = LLᵀ, the left singular vectors U of L⁻¹B give W = L⁻ᵀU. No d × d eigenproblem is
 * needed, only a Cholesky factor, because the between-class scatter has rank classCount−1.
 */
export function discriminants(s: Scatter, shrinkage: number): { mean: Float32Array; matrix: Float32Array; k: number } {
  const { dims, classCount: c } = s;
  const sw = Float64Array.from(s.within);
  let trace = 0;
  for (let i = 0; i < dims; i++) trace += sw[i * dims + i]!;
  for (let i = 0; i < dims; i++) sw[i * dims + i]! += (shrinkage * trace) / dims;
  let l: Float64Array;
  try {
    l = cholesky(sw, dims);
  } catch (err) {
    throw new LookalikeError('BAD_LABELS', `the within-label scatter is singular at shrinkage ${shrinkage}: ${(err as Error).message}`);
  }
  const y = new Float64Array(dims * c); // L⁻¹B
  const col = new Float64Array(dims);
  for (let j = 0; j < c; j++) {
    for (let i = 0; i < dims; i++) col[i] = s.between[i * c + j]!;
    solveLower(l, dims, col);
    for (let i = 0; i < dims; i++) y[i * c + j] = col[i]!;
  }
  const gram = new Float64Array(c * c); // YᵀY = VΛVᵀ, so U = YVΛ^-½
  for (let a = 0; a < c; a++) {
    for (let b = a; b < c; b++) {
      let sum = 0;
      for (let i = 0; i < dims; i++) sum += y[i * c + a]! * y[i * c + b]!;
      gram[a * c + b] = sum;
      gram[b * c + a] = sum;
    }
  }
  const { values, vectors } = symmetricEigen(gram, c);
  const k = Math.max(1, c - 1);
  const matrix = new Float32Array(dims * k);
  for (let j = 0; j < k; j++) {
    const scale = values[j]! > 1e-12 ? 1 / Math.sqrt(values[j]!) : 0;
    for (let i = 0; i < dims; i++) {
      let u = 0;
      for (let a = 0; a < c; a++) u += y[i * c + a]! * vectors[a * c + j]!;
      col[i] = u * scale;
    }
    solveUpperTransposed(l, dims, col);
    for (let i = 0; i < dims; i++) matrix[i * k + j] = col[i]!;
  }
  return { mean: Float32Array.from(s.mean), matrix, k };
}
