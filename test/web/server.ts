import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, MODEL_CACHE } from '../helpers/fixtures.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `lookalike serve` as a user would, on an ephemeral port of 127.0.0.1, and waits for its URL. */
export function serve(db: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1', '--quiet'], {
    env: { ...process.env, LOOKALIKE_THREADS: '1', LOOKALIKE_MODEL_CACHE: MODEL_CACHE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!m) return;
      child.stdout!.off('data', onData);
      resolve({
        url: m[1]!,
        child,
        stop: () => new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`lookalike serve exited with ${code} before listening:\n${output}`)));
  });
}
