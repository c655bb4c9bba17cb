import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO, tempDir } from './fixtures.js';

/**
 * Compiles a check program with c++ (the flags as given, then the sources, from the repo root),
 * expecting no diagnostics, and runs it: for kernel code checked on the host, outside the addon.
 */
export function runCxxCheck(name: string, flags: string[], sources: string[]): SpawnSyncReturns<string> {
  const dir = tempDir(name);
  try {
    const binary = join(dir, 'check');
    const build = spawnSync('c++', [...flags, '-o', binary, ...sources.map((s) => join(REPO, s))], { encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    return spawnSync(binary, { encoding: 'utf8', timeout: 60_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
