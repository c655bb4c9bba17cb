import { describe, expect, it } from 'vitest';
import {
  clusteredPoints, compareKnn, compareKnnLists, comparePca, lowRankPoints, meanKl, normals, relativeError,
} from '../../src/bench/reference.js';
import { kernels } from '../../src/native/addon.js';
import { gradientCuda, knnExactCuda, optimizeCuda, pcaProjectCuda } from '../../src/native/cuda.js';
import { cudaDeviceCount, resolveDevice } from '../../src/native/device.js';
import { kmeans } from '../../src/native/kmeans.js';
import { knn } from '../../src/native/knn.js';
import { pcaProject } from '../../src/native/pca.js';
import { affinities, gradient, optimize } from '../../src/native/tsne.js';
import { inertiaOf } from '../helpers/blobs.js';

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

  it('k-means: auto runs where there is a device, cuda without one is refused', () => {
    const X = clusteredPoints(200, 8, 4, 2);
    expect(kmeans(X, 200, 8, 4, { device: 'cpu' }).device).toBe('cpu');
    expect(kmeans(X, 200, 8, 4).device).toBe(devices > 0 ? 'cuda' : 'cpu');
    if (devices === 0) expect(() => kmeans(X, 200, 8, 4, { device: 'cuda' })).toThrow(/no CUDA device was found/);
    else expect(() => kmeans(X, 200, 8, 4, { device: 'cuda', sampleStart: true })).toThrow(/sampleStart is the CPU version's/);
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

  it('k-means: the CPU seeds, the inertia within 0.5%, every cluster its mean, the same bits twice', () => {
    const m = 3000, dims = 40;
    const Xk = clusteredPoints(m, dims, 12, 6);
    for (const k of [1, 25, 150]) {
      // CUDA starts from the seeds alone: so does the CPU here.
      const cpu = kmeans(Xk, m, dims, k, { seed: 3, device: 'cpu', sampleStart: false });
      const gpu = kmeans(Xk, m, dims, k, { seed: 3, device: 'cuda' });
      expect(gpu.device).toBe('cuda');
      // The same seeds: the first step's inertia agrees to rounding.
      expect(Math.abs(gpu.history[0]! - cpu.history[0]!) / cpu.history[0]!).toBeLessThan(1e-5);
      expect(Math.abs(gpu.inertia - cpu.inertia) / cpu.inertia).toBeLessThan(0.005);
      expect(Math.abs(inertiaOf(Xk, dims, gpu.labels, gpu.centroids) - gpu.inertia) / gpu.inertia).toBeLessThan(1e-4);
      for (let t = 1; t < gpu.history.length; t++) expect(gpu.history[t]).toBeLessThanOrEqual(gpu.history[t - 1]!);
      const again = kmeans(Xk, m, dims, k, { seed: 3, device: 'cuda' });
      expect(again.labels).toEqual(gpu.labels);
      expect(again.centroids).toEqual(gpu.centroids);
    }
  });

  it('k-means: every cluster gets a row, even with duplicate rows (the empty-cluster repair)', () => {
    const dims = 4;
    const Xd = new Float32Array(30 * dims);
    for (let i = 0; i < 30; i++) Xd.fill(i % 3, i * dims, (i + 1) * dims);
    for (const k of [5, 30]) {
      const r = kmeans(Xd, 30, dims, k, { device: 'cuda' });
      expect(new Set(r.labels).size).toBe(k);
      expect(r.inertia).toBeLessThan(1e-9);
    }
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
