import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMatrix, writeNpy } from '../../src/npy/npy.js';
import { REPO, tempDir } from '../helpers/fixtures.js';

const PYTHON = '/usr/bin/python3';
const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn.manifold'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasSklearn)(`sklearn reference runner${hasSklearn ? '' : ` (skipped: ${PYTHON} has no scikit-learn)`}`, () => {
  it('embeds an .npy matrix, writes float32 n x 2 and reports one JSON line', () => {
    const dir = tempDir('sklearn');
    try {
      const n = 100;
      writeNpy(join(dir, 'in.npy'), Float32Array.from({ length: n * 5 }, (_, i) => Math.sin(i * 0.7) + (i % 5)), [n, 5]);
      const r = spawnSync(PYTHON, [join(REPO, 'src/bench/sklearn_tsne.py'), join(dir, 'in.npy'), join(dir, 'out.npy'), '--seed', '1'], {
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({ rows: n, cols: 5, sklearnVersion: expect.stringMatching(/^\d+\.\d+/) });
      for (const key of ['seconds', 'iterations', 'kl', 'peakRssMb']) expect(report[key]).toBeGreaterThan(0);
      const Y = readMatrix(join(dir, 'out.npy'));
      expect([Y.rows, Y.cols]).toEqual([n, 2]);
      expect(Y.data.every(Number.isFinite)).toBe(true);

      const bad = spawnSync(PYTHON, [join(REPO, 'src/bench/sklearn_tsne.py'), join(dir, 'absent.npy'), join(dir, 'x.npy')], { encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/absent\.npy: cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
