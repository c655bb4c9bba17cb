import { spawn } from 'node:child_process';

/**
 * Runs a benchmark side in its own process (so its peak RSS is its own) and parses the JSON
 * line it prints last; its stderr shows as it runs.
 */
export function runJson<T>(command: string, args: string[]): Promise<T> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return fail(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
      try {
        done(JSON.parse(last) as T);
      } catch {
        fail(new Error(`${command} ${args.join(' ')} printed no result: ${JSON.stringify(last)}`));
      }
    });
  });
}
