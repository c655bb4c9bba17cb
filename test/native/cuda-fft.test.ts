import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/fixtures.js';

// The CUDA FFT's index arithmetic (mixed radix 2^m and 3 * 2^m, permuted spectra) is checked
// on the host, since most machines that run the tests have no GPU: cuda-fft/check.cc compiles
// the real kernels/cuda/fft.cuh with g++ against a naive DFT.
describe('CUDA FFT on the host', () => {
  it('matches a naive DFT and convolves circularly at every length 2^m and 3 * 2^m it uses', () => {
    const dir = tempDir('cuda-fft');
    try {
      const source = join(REPO, 'test/native/cuda-fft');
      const binary = join(dir, 'check');
      const args = ['-O2', '-std=c++17', '-I', source, '-o', binary, join(source, 'check.cc')];
      const build = spawnSync('c++', args, { encoding: 'utf8' });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
      const run = spawnSync(binary, { encoding: 'utf8' });
      expect(run.stdout).not.toContain('FAILED');
      expect(run.stdout).toContain('length 1536: a permutation');
      expect(run.stdout).toContain('fft_length_at_least(1151) = 1536');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
