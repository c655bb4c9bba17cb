import { LookalikeError } from '../core/errors.js';

/** A sparse n x n matrix in CSR form: row i's entries are indices/values[indptr[i] .. indptr[i + 1]). */
export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/**
 * Checks that P is t-SNE input affinities: n x n CSR, columns in range, no diagonal,
 * finite non-negative values summing to 1. Kernels trust P after this; returns n.
 */
export function checkAffinities(P: Csr): number {
  const { indptr, indices, values } = P;
  if (!(indptr instanceof Int32Array) || !(indices instanceof Int32Array) || !(values instanceof Float32Array))
    throw new LookalikeError('BAD_ARGUMENT', 'P must hold indptr and indices as Int32Array and values as Float32Array');
  const n = indptr.length - 1;
  if (n < 2) throw new LookalikeError('BAD_ARGUMENT', `P must have at least 2 rows, got ${Math.max(n, 0)}`);
  if (indptr[0] !== 0 || indptr[n] !== indices.length || values.length !== indices.length)
    throw new LookalikeError(
      'BAD_ARGUMENT',
      `P: indptr must run from 0 to the entry count (${indices.length}) with as many values, got ${indptr[0]} to ${indptr[n]} and ${values.length} values`,
    );
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (indptr[i + 1]! < indptr[i]!) throw new LookalikeError('BAD_ARGUMENT', `P: indptr decreases at row ${i}`);
    for (let e = indptr[i]!; e < indptr[i + 1]!; e++) {
      const j = indices[e]!;
      const p = values[e]!;
      if (j < 0 || j >= n) throw new LookalikeError('BAD_ARGUMENT', `P: column ${j} of row ${i} is outside 0..${n - 1}`);
      if (j === i) throw new LookalikeError('BAD_ARGUMENT', `P: row ${i} has a diagonal entry; t-SNE affinities have none`);
      if (!(p >= 0 && p < Infinity)) throw new LookalikeError('BAD_ARGUMENT', `P: value ${p} at row ${i}, column ${j} is not a finite non-negative number`);
      sum += p;
    }
  }
  if (Math.abs(sum - 1) > 1e-3) throw new LookalikeError('BAD_ARGUMENT', `P's values sum to ${sum.toPrecision(6)}; affinities must sum to 1`);
  return n;
}
