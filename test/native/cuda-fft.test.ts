import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCxxCheck } from '../helpers/cxx.js';
import { REPO } from '../helpers/fixtures.js';

// The CUDA FFT's index arithmetic (mixed radix 2^m and 3 * 2^m, permuted spectra) is checked
// on the host, since most machines that run the tests have no GPU: cuda-fft/check.cc compiles
// the real kernels/cuda/fft.cuh with g++ against a naive DFT.
describe('CUDA FFT on the host', () => {
  it('matches a naive DFT and convolves circularly at every length 2^m and 3 * 2^m it uses', () => {
    const run = runCxxCheck('cuda-fft', ['-O2', '-std=c++17', '-I', join(REPO, 'test/native/cuda-fft')], ['test/native/cuda-fft/check.cc']);
    expect(run.stdout).not.toContain('FAILED');
    expect(run.stdout).toContain('length 1536: a permutation');
    expect(run.stdout).toContain('fft_length_at_least(1151) = 1536');
    expect(run.status).toBe(0);
  });
});
