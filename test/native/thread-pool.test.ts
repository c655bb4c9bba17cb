import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCxxCheck } from '../helpers/cxx.js';
import { REPO } from '../helpers/fixtures.js';

// The pool under every kernel's parallel_for, checked on its own: thread-pool/check.cc
// compiles the real kernels/cpu/thread_pool.cc with c++ and runs it.
describe('parallel_for on the kept thread pool', () => {
  it('covers each slice once, rethrows the lowest part\'s exception, nests, and serves callers at once', () => {
    const run = runCxxCheck('thread-pool', ['-O2', '-std=c++17', '-pthread', '-I', join(REPO, 'kernels/include')],
      ['test/native/thread-pool/check.cc', 'kernels/cpu/thread_pool.cc']);
    expect(run.stdout).not.toContain('FAILED');
    expect(run.stdout).toContain('6 callers at once');
    expect(run.stdout).toContain('all passed');
    expect(run.status).toBe(0);
  });
});
