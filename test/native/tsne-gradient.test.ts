import { describe, expect, it } from 'vitest';
import { affinities, gradient, type Csr } from '../../src/native/tsne.js';
import { blobs, bruteKnn } from '../helpers/blobs.js';

/** Plain O(n²) t-SNE gradient and KL from a CSR P: the reference the kernels must match. */
function exactGradient(P: Csr, Y: Float32Array, exaggeration: number): { gradient: Float64Array; kl: number } {
  const n = Y.length / 2;
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let e = P.indptr[i]!; e < P.indptr[i + 1]!; e++) dense[i * n + P.indices[e]!] = P.values[e]!;
  let z = 0;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      w[i * n + j] = 1 / (1 + (Y[2 * i]! - Y[2 * j]!) ** 2 + (Y[2 * i + 1]! - Y[2 * j + 1]!) ** 2);
      z += w[i * n + j]!;
    }
  const g = new Float64Array(2 * n);
  let kl = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const q = w[i * n + j]!;
      const p = dense[i * n + j]!;
      const f = exaggeration * p * q - (q * q) / z;
      g[2 * i] = g[2 * i]! + f * (Y[2 * i]! - Y[2 * j]!);
      g[2 * i + 1] = g[2 * i + 1]! + f * (Y[2 * i + 1]! - Y[2 * j + 1]!);
      if (p > 0) kl += p * Math.log(p / (q / z));
    }
  return { gradient: g, kl };
}

function relativeError(a: Float32Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

describe('t-SNE gradient kernel', () => {
  const n = 300;
  const k = 45;
  const { X } = blobs(n, 10, 4, 3);
  const nn = bruteKnn(X, n, 10, k);
  const P = affinities(nn.indices, nn.distances, n, k, 15, 2);
  const Y = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i * 12.9898) * 5);

  it('builds a symmetric P that sums to 1', () => {
    let sum = 0;
    const at = new Map<number, number>();
    for (let i = 0; i < n; i++)
      for (let e = P.indptr[i]!; e < P.indptr[i + 1]!; e++) {
        sum += P.values[e]!;
        at.set(i * n + P.indices[e]!, P.values[e]!);
      }
    expect(sum).toBeCloseTo(1, 5);
    for (const [key, v] of at) expect(at.get((key % n) * n + Math.floor(key / n))).toBeCloseTo(v, 9);
  });

  it('names the first bad neighbour entry', () => {
    const bad = (index: number, value: number, field: 'indices' | 'distances'): void => {
      const indices = nn.indices.slice();
      const distances = nn.distances.slice();
      if (field === 'indices') indices[index] = value;
      else distances[index] = value;
      expect(() => affinities(indices, distances, n, k, 15, 2)).toThrow(
        field === 'indices' ? `neighbour index ${value} out of range` : `neighbour distance ${value} is not finite and non-negative`,
      );
    };
    bad(5000, n, 'indices');
    bad(n * k - 1, -1, 'indices');
    bad(17, NaN, 'distances');
    bad(n * k - 2, Infinity, 'distances');
    bad(0, -0.5, 'distances');
  });

  it('calibrates each row to the perplexity', () => {
    // Entropy of row 0's conditional distribution, recovered from the kernel's own bandwidth search.
    const d = Array.from(nn.distances.subarray(0, k));
    let lo = 0;
    let hi = 1e6;
    let entropy = 0;
    for (let s = 0; s < 200; s++) {
      const beta = (lo + hi) / 2;
      const w = d.map((x) => Math.exp(-beta * (x - d[0]!)));
      const sum = w.reduce((a, b) => a + b, 0);
      entropy = Math.log(sum) + (beta * w.reduce((a, x, j) => a + x * (d[j]! - d[0]!), 0)) / sum;
      if (entropy > Math.log(15)) lo = beta;
      else hi = beta;
    }
    expect(Math.exp(entropy)).toBeCloseTo(15, 3);
  });

  for (const exaggeration of [1, 12]) {
    it(`equals the exact O(n²) gradient within 1e-4 (exaggeration ${exaggeration})`, () => {
      const ref = exactGradient(P, Y, exaggeration);
      const native = gradient(P, Y, { exaggeration, repulsion: 'exact', threads: 2 });
      expect(relativeError(native.gradient, ref.gradient)).toBeLessThan(1e-4);
      expect(Math.abs(native.kl - ref.kl) / ref.kl).toBeLessThan(1e-5);
    });
  }

  it('takes an asymmetric P as given (the symmetric one is summed once per pair)', () => {
    // p_0j doubled for row 0's first neighbour only: p_j0 keeps its value.
    const values = Float32Array.from(P.values);
    values[P.indptr[0]!] = values[P.indptr[0]!]! * 2;
    const asymmetric: Csr = { ...P, values };
    for (const threads of [1, 3]) {
      const ref = exactGradient(asymmetric, Y, 1);
      const native = gradient(asymmetric, Y, { repulsion: 'exact', threads });
      expect(relativeError(native.gradient, ref.gradient)).toBeLessThan(1e-4);
      const symmetric = gradient(P, Y, { repulsion: 'exact', threads });
      expect(relativeError(symmetric.gradient, exactGradient(P, Y, 1).gradient)).toBeLessThan(1e-4);
    }
  });

  it('FFT repulsion gives the same gradient within 1e-3', () => {
    const ref = exactGradient(P, Y, 1);
    const native = gradient(P, Y, { repulsion: 'fft', threads: 2 });
    expect(relativeError(native.gradient, ref.gradient)).toBeLessThan(1e-3);
  });
});
