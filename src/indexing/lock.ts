import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { LookalikeError } from '../core/errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per database: a lock file holding the writer's pid. A lock left by a process
 * that died (killed mid-run) is taken over.
 */
export function acquireWriteLock(dbPath: string): () => void {
  const lockPath = `${dbPath}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LookalikeError('DATABASE', `cannot create lock ${lockPath}: ${(err as Error).message}`, { cause: err });
      }
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(lockPath, 'utf8'));
    } catch {
      continue; // released meanwhile
    }
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new LookalikeError('BUSY', `another lookalike process (pid ${holder}) is indexing into ${dbPath}`);
    }
    try {
      unlinkSync(lockPath);
    } catch {
      // another process took it over first; retry decides
    }
  }
  throw new LookalikeError('BUSY', `cannot take the lock ${lockPath}`);
}
