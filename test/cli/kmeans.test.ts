import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/evaluation/clustering.js';
import { readNpy, writeNpy } from '../../src/npy/npy.js';
import { blobs } from '../helpers/blobs.js';
import { lookalike, tempDir } from '../helpers/fixtures.js';

describe('lookalike kmeans', () => {
  let dir: string;
  let input: string;
  const truth = blobs(300, 12, 5, 4);
  beforeAll(() => {
    dir = tempDir('kmeans');
    input = join(dir, 'X.npy');
    writeNpy(input, truth.X, [300, 12]);
  });

  it('writes the labels and centroids of a .npy matrix', () => {
    const labels = join(dir, 'labels.npy');
    const centroids = join(dir, 'C.npy');
    const r = lookalike(['kmeans', '--input', input, '--k', '5', '--output', labels, '--centroids', centroids, '--seed', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: number; columns: number; k: number; iterations: number; inertia: number };
    expect(out).toMatchObject({ rows: 300, columns: 12, k: 5, device: expect.stringMatching(/^(cpu|cuda)$/) });
    expect(out.iterations).toBeGreaterThan(0);
    const written = readNpy(labels);
    expect(written.dtype).toBe('<i4');
    expect(written.shape).toEqual([300]);
    expect(adjustedRandIndex(written.data as Int32Array, truth.labels)).toBe(1);
    expect(readNpy(centroids)).toMatchObject({ dtype: '<f4', shape: [5, 12] });
  });

  it('prints its help', () => {
    const r = lookalike(['kmeans', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lookalike kmeans --input X\.npy --k K --output labels\.npy/);
  });

  it('prints a summary without --json', () => {
    const r = lookalike(['kmeans', '--input', input, '--k', '5', '--output', join(dir, 'l2.npy')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^300 rows of 12 values in 5 clusters: inertia [\d.e+]+ after \d+ iterations/);
  });

  it('rejects bad usage with status 2', () => {
    const out = join(dir, 'never.npy');
    for (const [args, message] of [
      [['--input', input, '--k', '301', '--output', out], '--k must be an integer from 1 to 300, got "301"'],
      [['--input', input, '--k', '0', '--output', out], '--k must be an integer from 1'],
      [['--input', input, '--output', out], '--k is required'],
      [['--input', input, '--k', '5'], '--output is required'],
      [['--input', input, '--k', '5', '--output', out, '--device', 'gpu'], '--device must be one of auto, cpu, cuda, got "gpu"'],
    ] as const) {
      const r = lookalike(['kmeans', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('reports a malformed or non-finite input file with status 1', () => {
    const garbage = join(dir, 'garbage.npy');
    writeFileSync(garbage, 'not a numpy file at all');
    const bad = lookalike(['kmeans', '--input', garbage, '--k', '2', '--output', join(dir, 'x.npy')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${garbage}: not a .npy file`);

    const nan = join(dir, 'nan.npy');
    const X = truth.X.slice();
    X[13] = NaN;
    writeNpy(nan, X, [300, 12]);
    const r = lookalike(['kmeans', '--input', nan, '--k', '2', '--output', join(dir, 'x.npy')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${nan}: row 1, column 1 is NaN; k-means needs finite values`);

    const missing = lookalike(['kmeans', '--input', join(dir, 'none.npy'), '--k', '2', '--output', join(dir, 'x.npy')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});
