import { describe, expect, it } from 'vitest';
import { LookalikeError } from '../../src/core/errors.js';
import { seededRandom } from '../../src/evaluation/split.js';
import { repulsionExact, repulsionFft, type Repulsion, type RepulsionFftOptions } from '../../src/native/repulsion.js';

/** Gaussian points (Box-Muller) of standard deviation `sd` around (cx, cy). */
function gaussian(rand: () => number, Y: Float32Array, from: number, to: number, cx: number, cy: number, sd: number): void {
  for (let i = from; i < to; i++) {
    const r = sd * Math.sqrt(-2 * Math.log(1 - rand())), a = 2 * Math.PI * rand();
    Y[2 * i] = cx + r * Math.cos(a);
    Y[2 * i + 1] = cy + r * Math.sin(a);
  }
}

function blobs(n: number, blobCount: number, spread: number, sd: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const Y = new Float32Array(2 * n);
  for (let b = 0; b < blobCount; b++)
    gaussian(rand, Y, Math.floor((n * b) / blobCount), Math.floor((n * (b + 1)) / blobCount), spread * rand(), spread * rand(), sd);
  return Y;
}

/** A unit-sd cloud with `count` points on a circle of radius `far` around it. */
function withOutliers(n: number, count: number, far: number, seed: number): Float32Array {
  const Y = blobs(n, 1, 0, 1, seed);
  for (let i = 0; i < count; i++) {
    Y[2 * i] = far * Math.cos((2 * Math.PI * i) / count);
    Y[2 * i + 1] = far * Math.sin((2 * Math.PI * i) / count);
  }
  return Y;
}

/** Plain double-precision O(n²) repulsion. */
function reference(Y: Float32Array): { forces: Float64Array; z: number } {
  const n = Y.length / 2;
  const forces = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) {
    let fx = 0, fy = 0;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = Y[2 * i]! - Y[2 * j]!, dy = Y[2 * i + 1]! - Y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      fx += q * q * dx;
      fy += q * q * dy;
      z += q;
    }
    forces[2 * i] = fx;
    forces[2 * i + 1] = fy;
  }
  return { forces, z };
}

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i]! - want[i]!) ** 2;
    den += want[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

function expectClose(got: Repulsion, want: { forces: ArrayLike<number>; z: number }, tolerance: number): void {
  expect(relativeError(got.forces, want.forces)).toBeLessThan(tolerance);
  expect(Math.abs(got.z - want.z) / want.z).toBeLessThan(tolerance);
}

describe('repulsion', () => {
  it('exact equals a plain O(n²) sum', () => {
    for (const Y of [blobs(100, 3, 10, 1, 1), blobs(101, 1, 0, 50, 2)]) expectClose(repulsionExact(Y), reference(Y), 1e-5);
  });

  const layouts: [string, Float32Array, RepulsionFftOptions][] = [
    ['ten blobs', blobs(2000, 10, 10, 1, 3), {}],
    ['uniform square', blobs(2000, 2000, 8, 0, 4), {}],
    ['very compact', blobs(2000, 1, 0, 1e-3, 5), {}],
    ['all on one line', Float32Array.from({ length: 4000 }, (_, k) => (k % 2 ? 2 : Math.sqrt(k) / 8)), {}],
    ['far outliers', withOutliers(2000, 5, 30, 6), { pointsPerInterval: 4, intervalsPerUnit: 2 }],
  ];
  it.each(layouts)('FFT equals exact within 1e-3 on 2,000 points: %s', (_, Y, options) => {
    expectClose(repulsionFft(Y, { ...options, threads: 2 }), repulsionExact(Y, { threads: 2 }), 1e-3);
  });

  it('is deterministic for a thread count', () => {
    const Y = blobs(3000, 5, 20, 2, 7);
    for (const f of [repulsionFft, repulsionExact]) {
      const a = f(Y, { threads: 2 }), b = f(Y, { threads: 2 });
      expect(b.z).toBe(a.z);
      expect(Buffer.from(b.forces.buffer).equals(Buffer.from(a.forces.buffer))).toBe(true);
    }
  });

  it('rejects bad arguments with BAD_ARGUMENT', () => {
    const Y = blobs(10, 1, 0, 1, 8);
    const bad: [() => unknown, RegExp][] = [
      [() => repulsionExact([1, 2, 3, 4] as unknown as Float32Array), /Float32Array/],
      [() => repulsionExact(new Float32Array(5)), /n x 2/],
      [() => repulsionFft(new Float32Array(2)), /at least 2 points/],
      [() => repulsionFft(Float32Array.of(0, 0, Number.NaN, 1)), /non-finite/],
      [() => repulsionFft(Y, { pointsPerInterval: 1 }), /pointsPerInterval/],
      [() => repulsionFft(Y, { pointsPerInterval: 7 }), /pointsPerInterval/],
      [() => repulsionFft(Y, { minIntervals: 0 }), /minIntervals/],
      [() => repulsionFft(Y, { minIntervals: 1000 }), /minIntervals/],
      [() => repulsionFft(Y, { intervalsPerUnit: 0 }), /intervalsPerUnit/],
      [() => repulsionFft(Y, { intervalsPerUnit: Number.NaN }), /intervalsPerUnit/],
      [() => repulsionFft(Y, { threads: -1 }), /threads/],
      [() => repulsionFft(Float32Array.of(0, 0, 1e6, 0)), /grid nodes/],
    ];
    for (const [call, message] of bad) {
      let caught: unknown;
      try {
        call();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(LookalikeError);
      expect((caught as LookalikeError).code).toBe('BAD_ARGUMENT');
      expect((caught as LookalikeError).message).toMatch(message);
    }
  });
});
