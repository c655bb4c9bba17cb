import { describe, expect, it } from 'vitest';
import {
  clusteredPoints, compareKnn, compareKnnLists, comparePca, lowRankPoints, meanKl, normals, relativeError,
} from '../../src/bench/reference.js';
import { kernels } from '../../src/native/addon.js';
import { gradientCuda, knnExactCuda, optimizeCuda, pcaProjectCuda } from '../../src/native/cuda.js';
import { cudaDeviceCount, resolveDevice } from '../../src/native/device.js';
import { knn } from '../../src/native/knn.js';
import { pcaProject } from '../../src/native/pca.js';
import { affinities, gradient, optimize } from '../../src/native/tsne.js';

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

describe.skipIf(devices === 0)('CUDA kernels against the CPU kernels', () => {
  const n = 2000, d = 16;
  const X = clusteredPoints(n, d, 8, 3);
  for (let i = 0; i < 50; i++) X.copyWithin(((i * 37 + 5) % n) * d, ((i * 11) % n) * d, ((i * 11) % n) * d + d);

  it('kNN: the CPU neighbours, ties aside, and the exact distances', () => {
    for (const k of [30, 200]) {
      const gpu = knnExactCuda(X, n, d, k);
      const cpu = compareKnnLists(gpu, knn(X, n, d, k, { method: 'exact' }), n, k);
      expect(cpu.badRows).toBe(0);
      expect(cpu.maxDistanceError).toBeLessThan(1e-3);
      const exact = compareKnn(X, n, d, k, gpu.indices, gpu.distances, Array.from({ length: n }, (_, i) => i));
      expect(exact.badRows).toBe(0);
      expect(exact.maxDistanceError).toBeLessThan(1e-5);
    }
  });

  it('PCA: the variances and leading scores of the CPU kernel', () => {
    const m = 3000, dims = 96;
    const Xp = lowRankPoints(m, dims, 8, 4);
    const diff = comparePca(pcaProjectCuda(Xp, m, dims, { components: 20 }), pcaProject(Xp, m, dims, { components: 20 }), m, 8);
    expect(diff.variance).toBeLessThan(1e-5);
    expect(diff.scores).toBeLessThan(1e-4);
  });

  const affinitiesOfX = () => {
    const { indices, distances } = knn(X, n, d, 30, { method: 'exact' });
    return affinities(indices, distances, n, 30, 10);
  };

  it('gradient: within 1e-3 of the CPU, exact and FFT, and the same bits twice', () => {
    const P = affinitiesOfX();
    const Y = normals(2 * n, 5).map((v) => 5 * v);
    for (const repulsion of ['exact', 'fft'] as const) {
      const cpu = gradient(P, Y, { exaggeration: 4, repulsion });
      const gpu = gradientCuda(P, Y, { exaggeration: 4, repulsion });
      expect(relativeError(gpu.gradient, cpu.gradient)).toBeLessThan(1e-3);
      expect(Math.abs(gpu.z - cpu.z) / cpu.z).toBeLessThan(1e-3);
      expect(Math.abs(gpu.kl - cpu.kl)).toBeLessThan(1e-3 * Math.abs(cpu.kl));
      const again = gradientCuda(P, Y, { exaggeration: 4, repulsion });
      expect(again.z).toBe(gpu.z);
      expect(again.gradient).toEqual(gpu.gradient);
    }
  });

  it('optimize: the KL of short runs within 1% of the CPU', () => {
    const P = affinitiesOfX();
    const Y0 = normals(2 * n, 9).map((v) => 1e-4 * v);
    for (const repulsion of ['exact', 'fft'] as const) {
      const cpu = meanKl(P, Y0, repulsion, optimize).mean;
      expect(Math.abs(meanKl(P, Y0, repulsion, optimizeCuda).mean - cpu) / cpu).toBeLessThan(0.01);
    }
  });
});
