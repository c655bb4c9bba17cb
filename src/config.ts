import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { LookalikeError } from './core/errors.js';

/** Settings that come from the environment; the only reader of process.env. */
export interface EnvConfig {
  /** Database used when --db is not given. */
  dbPath: string;
  /** Threads for one inference. */
  threads: number;
  /** Folder for converted models; undefined: a models/ folder beside the database. */
  modelCache: string | undefined;
  executionProvider: 'cpu' | 'cuda';
  /** Bearer token of the server's admin routes; undefined turns them off. */
  adminToken: string | undefined;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const problems: string[] = [];
  const threadsText = env.LOOKALIKE_THREADS;
  const threads = threadsText === undefined ? cpus().length : Number(threadsText);
  if (!Number.isInteger(threads) || threads < 1) problems.push(`LOOKALIKE_THREADS must be a positive integer, got "${threadsText}"`);
  const ep = env.LOOKALIKE_EXECUTION_PROVIDER ?? 'cpu';
  if (ep !== 'cpu' && ep !== 'cuda') problems.push(`LOOKALIKE_EXECUTION_PROVIDER must be cpu or cuda, got "${ep}"`);
  const token = env.LOOKALIKE_ADMIN_TOKEN;
  if (token !== undefined && token !== '' && token.length < 8) problems.push('LOOKALIKE_ADMIN_TOKEN must be at least 8 characters');
  if (problems.length > 0) throw new LookalikeError('BAD_ARGUMENT', problems.join('; '));
  return {
    dbPath: resolve(env.LOOKALIKE_DB ?? 'data/lookalike.db'),
    threads,
    modelCache: env.LOOKALIKE_MODEL_CACHE === undefined ? undefined : resolve(env.LOOKALIKE_MODEL_CACHE),
    executionProvider: ep as 'cpu' | 'cuda',
    adminToken: token === '' ? undefined : token,
  };
}
