import { describe, expect, it } from 'vitest';
import { tsne, tsneRun } from '../../src/mapping/tsne.js';
import { runTsne } from '../../src/mapping/tsne-pipeline.js';
import { cudaDeviceCount } from '../../src/native/device.js';
import { blobs } from '../helpers/blobs.js';

/** Fraction of each point's 10 nearest embedded neighbours that share its label. */
function labelAgreement(Y: Float32Array, labels: Int32Array, k = 10): number {
  const n = labels.length;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const d: [number, number][] = [];
    for (let j = 0; j < n; j++) if (j !== i) d.push([(Y[2 * i]! - Y[2 * j]!) ** 2 + (Y[2 * i + 1]! - Y[2 * j + 1]!) ** 2, j]);
    d.sort((a, b) => a[0] - b[0]);
    for (let m = 0; m < k; m++) agree += labels[d[m]![1]] === labels[i] ? 1 : 0;
  }
  return agree / (n * k);
}

describe('t-SNE', () => {
  const { X, labels } = blobs(600, 20, 5, 7, 12);

  it('separates well-separated blobs', async () => {
    const Y = await tsne(X, { dims: 20, perplexity: 20, seed: 1, threads: 2 });
    expect(Y).toHaveLength(1200);
    expect(labelAgreement(Y, labels)).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed and thread count, on both repulsion methods', () => {
    for (const repulsion of ['exact', 'fft'] as const) {
      const a = runTsne(X, 600, 20, { iterations: 300, seed: 3, threads: 2, repulsion });
      const b = runTsne(X, 600, 20, { iterations: 300, seed: 3, threads: 2, repulsion });
      expect(Buffer.from(a.embedding.buffer).equals(Buffer.from(b.embedding.buffer))).toBe(true);
    }
  });

  it('reports phases, iterations and a falling KL divergence', async () => {
    const seen: string[] = [];
    const kls: number[] = [];
    const result = await tsneRun(X, {
      dims: 20, iterations: 400, threads: 2, earlyExaggerationStop: false,
      onProgress: (p) => {
        if (!seen.includes(p.phase)) seen.push(p.phase);
        if (p.phase === 'optimize' && p.done % 50 === 0 && p.kl !== undefined) kls.push(p.kl);
      },
    });
    expect(seen).toEqual(['pca', 'knn', 'affinities', 'optimize']);
    expect(result.iterations).toBe(400);
    expect(kls.at(-1)!).toBeLessThan(kls[2]!); // after early exaggeration the KL keeps falling
    expect(result.klDivergence).toBeCloseTo(kls.at(-1)!, 10);
    for (const s of Object.values(result.seconds)) expect(s).toBeGreaterThanOrEqual(0);
  });

  it('keeps the event loop free and stops when the signal aborts', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const run = tsneRun(X, {
      dims: 20, iterations: 100_000, threads: 1, signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'optimize' && p.done >= 200) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });

  it.skipIf(cudaDeviceCount() > 0)('runs on the CPU when no GPU is present, and says so when CUDA is asked for', async () => {
    const result = await tsneRun(X, { dims: 20, iterations: 10 });
    expect(result.device).toBe('cpu');
    await expect(tsneRun(X, { dims: 20, iterations: 10, device: 'cuda' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT', message: expect.stringMatching(/no CUDA device was found/),
    });
  });

  it('does not touch the caller\'s input unless asked to transfer it', async () => {
    const copy = X.slice();
    await tsne(copy, { dims: 20, iterations: 10 });
    expect(copy.length).toBe(X.length);
    const moved = X.slice();
    await tsne(moved, { dims: 20, iterations: 10, transfer: true });
    expect(moved.length).toBe(0); // detached: the worker owns it
  });

  describe('rejects bad input with a clear error', () => {
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ['fewer than 4 points', () => tsne(new Float32Array(6), { dims: 2 }), /at least 4 points/],
      ['a wrong shape', () => tsne(new Float32Array(10), { dims: 3 }), /not a multiple of dims 3/],
      ['NaN', () => tsne(Float32Array.from({ length: 40 }, (_, i) => (i === 17 ? NaN : i)), { dims: 2, perplexity: 2 }), /non-finite value \(NaN\) at row 8, column 1/],
      ['Infinity', () => tsne(Float32Array.from({ length: 40 }, (_, i) => (i === 3 ? Infinity : i)), { dims: 2, perplexity: 2 }), /non-finite value \(Infinity\)/],
      ['a perplexity too large for n', () => tsne(X.subarray(0, 20 * 50), { dims: 20, perplexity: 30 }), /perplexity 30 is too large for 50 points.*at most 16/],
      ['a zero perplexity', () => tsne(X, { dims: 20, perplexity: 0 }), /perplexity must be a number from 1/],
      ['one dimension', () => tsne(new Float32Array(50), { dims: 1, perplexity: 5 }), /at least 2 dimensions/],
      ['unknown method', () => tsne(X, { dims: 20, repulsion: 'magic' as 'fft' }), /repulsion must be auto, exact or fft/],
    ];
    for (const [name, run, message] of cases) {
      it(name, async () => {
        await expect(run()).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringMatching(message) });
      });
    }
  });
});
