import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers/fixtures.js';

// The pool under every kernel's parallel_for, checked on its own: thread-pool/check.cc
// compiles the real kernels/cpu/thread_pool.cc with c++ and runs it.
describe('parallel_for on the kept thread pool', () => {
  it('covers each slice once, rethrows the lowest part\'s exception, nests, and serves callers at once', () => {
    const dir = tempDir('thread-pool');
    try {
      const binary = join(dir, 'check');
      const args = ['-O2', '-std=c++17', '-pthread', '-I', join(REPO, 'kernels/include'), '-o', binary,
        join(REPO, 'test/native/thread-pool/check.cc'), join(REPO, 'kernels/cpu/thread_pool.cc')];
      const build = spawnSync('c++', args, { encoding: 'utf8' });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
      const run = spawnSync(binary, { encoding: 'utf8', timeout: 60_000 });
      expect(run.stdout).not.toContain('FAILED');
      expect(run.stdout).toContain('6 callers at once');
      expect(run.stdout).toContain('all passed');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
