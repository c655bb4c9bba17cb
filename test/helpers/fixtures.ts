import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const DATASET = resolve(REPO, '../shared/datasets/cifar10-train.tar.gz');
export const CLI = join(REPO, 'dist/cli.js');
/** Shared by all test files so the default model is converted once per machine, not per test. */
export const MODEL_CACHE = join(tmpdir(), 'lookalike-test-models');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lookalike-${prefix}-`));
}

/**
 * The first `perClass` CIFAR-10 training images of each named class, extracted once into a
 * cache folder and copied into `dest/<class>/`.
 */
export function cifarImages(dest: string, classes: string[], perClass: number): string[] {
  const cache = join(tmpdir(), 'lookalike-test-cifar');
  const missing = classes.filter((c) => !existsSync(join(cache, 'train', c)) || readdirSync(join(cache, 'train', c)).length < perClass);
  if (missing.length > 0) {
    mkdirSync(cache, { recursive: true });
    const staging = mkdtempSync(join(tmpdir(), 'lookalike-cifar-x-'));
    const names = missing.flatMap((c) => Array.from({ length: Math.max(perClass, 50) }, (_, i) => `train/${c}/${String(i).padStart(4, '0')}.jpg`));
    execFileSync('tar', ['-xzf', DATASET, '-C', staging, ...names]);
    for (const c of missing) cpSync(join(staging, 'train', c), join(cache, 'train', c), { recursive: true });
    rmSync(staging, { recursive: true, force: true });
  }
  const out: string[] = [];
  for (const c of classes) {
    mkdirSync(join(dest, c), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const name = `${String(i).padStart(4, '0')}.jpg`;
      cpSync(join(cache, 'train', c, name), join(dest, c, name));
      out.push(`${c}/${name}`);
    }
  }
  return out;
}

/** Runs the built CLI as a user would, one inference thread, with the shared model cache. */
export function lookalike(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOOKALIKE_THREADS: '1', LOOKALIKE_MODEL_CACHE: MODEL_CACHE },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
