import { describe, expect, it } from 'vitest';
import {
  clusteredPoints, comparePca, compareKnn, exactGradient, lowRankPoints, normals, referenceOptimize, relativeError,
} from '../../src/bench/reference.js';
import { kernels } from '../../src/native/addon.js';
import { gradientCuda, knnExactCuda, optimizeCuda, pcaProjectCuda } from '../../src/native/cuda.js';
import { pcaProject } from '../../src/native/pca.js';
import { cudaDeviceCount, resolveDevice } from '../../src/native/device.js';
import { affinities } from '../../src/native/tsne.js';

const devices = cudaDeviceCount();
if (devices === 0)
  console.log(`cuda-parity: skipped, no CUDA device here (native kernels built ${kernels().cudaBuilt ? 'with' : 'without'} CUDA)`);

describe('resolveDevice', () => {
  it('picks the CPU for auto without a device, and refuses cuda with the reason', () => {
    expect(resolveDevice('cpu')).toBe('cpu');
    expect(resolveDevice('auto')).toBe(devices > 0 ? 'cuda' : 'cpu');
    if (devices === 0) expect(() => resolveDevice('cuda')).toThrow(/no CUDA device was found.*built with/);
    expect(() => resolveDevice('gpu' as 'cuda')).toThrow(/device must be cpu, cuda or auto/);
  });
});

describe.skipIf(devices === 0)('CUDA kernels against exact references', () => {
  const n = 2000, d = 16, k = 30;
  const X = clusteredPoints(n, d, 8, 3);
  const knn = () => knnExactCuda(X, n, d, k);

  it('kNN: the exact neighbours, sorted, ties aside', () => {
    const { indices, distances } = knn();
    const rows = Array.from({ length: n }, (_, i) => i);
    const result = compareKnn(X, n, d, k, indices, distances, rows);
    expect(result.badRows).toBe(0);
    expect(result.maxDistanceError).toBeLessThan(1e-4);
  });

  it('PCA: the variances and leading scores of the CPU kernel', () => {
    const m = 3000, dims = 96;
    const Xp = lowRankPoints(m, dims, 8, 4);
    const diff = comparePca(pcaProjectCuda(Xp, m, dims, { components: 20 }), pcaProject(Xp, m, dims, { components: 20 }), m, 8);
    expect(diff.variance).toBeLessThan(1e-5);
    expect(diff.scores).toBeLessThan(1e-4);
  });

  it('gradient: exact within 1e-3 of the reference, FFT within 1e-2; the same bits twice', () => {
    const { indices, distances } = knn();
    const P = affinities(indices, distances, n, k, 10);
    const Y = normals(2 * n, 5).map((v) => 5 * v);
    const reference = exactGradient(P, Y, 4);
    const exact = gradientCuda(P, Y, { exaggeration: 4, repulsion: 'exact' });
    expect(relativeError(exact.gradient, reference.gradient)).toBeLessThan(1e-3);
    expect(Math.abs(exact.z - reference.z) / reference.z).toBeLessThan(1e-4);
    expect(Math.abs(exact.kl - reference.kl)).toBeLessThan(1e-3 * Math.abs(reference.kl));
    const fft = gradientCuda(P, Y, { exaggeration: 4, repulsion: 'fft' });
    expect(relativeError(fft.gradient, reference.gradient)).toBeLessThan(1e-2);
    expect(Math.abs(fft.z - reference.z) / reference.z).toBeLessThan(1e-2);
    const again = gradientCuda(P, Y, { exaggeration: 4, repulsion: 'fft' });
    expect(again.z).toBe(fft.z);
    expect(again.gradient).toEqual(fft.gradient);
  });

  it('optimize: the KL of a short run within 1% of the reference loop', () => {
    const m = 800;
    const Xs = X.subarray(0, m * d);
    const { indices, distances } = knnExactCuda(Xs, m, d, k);
    const P = affinities(indices, distances, m, k, 10);
    const Y0 = normals(2 * m, 9).map((v) => 1e-4 * v);
    const phases = [
      { iterations: 100, exaggeration: 12, momentum: 0.5, learningRate: 200 },
      { iterations: 100, exaggeration: 1, momentum: 0.8, learningRate: 200 },
    ];
    const run = (step: (Y: Float32Array, update: Float32Array, gains: Float32Array, phase: (typeof phases)[0]) => number) => {
      const Y = Y0.slice(), update = new Float32Array(2 * m), gains = new Float32Array(2 * m).fill(1);
      let kl = NaN;
      for (const phase of phases) kl = step(Y, update, gains, phase);
      return kl;
    };
    const reference = run((Y, u, g, phase) => referenceOptimize(P, Y, u, g, phase));
    for (const repulsion of ['exact', 'fft'] as const) {
      const kl = run((Y, u, g, phase) => {
        let last = NaN;
        optimizeCuda(P, Y, u, g, { ...phase, repulsion, threads: 0 }, (_, value) => {
          last = value;
          return false;
        });
        return last;
      });
      expect(Math.abs(kl - reference) / reference).toBeLessThan(0.01);
    }
  });
});
