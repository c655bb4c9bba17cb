import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readEnv } from '../config.js';
import { LookalikeError } from '../core/errors.js';
import type { RuntimeOptions } from '../embed/model.js';
import { Store } from '../store/store.js';

/** Where the database lives and how models run, from --db and the environment. */
export function runtimeFor(dbOption: unknown): { dbPath: string; runtime: RuntimeOptions } {
  const env = readEnv();
  const dbPath = dbOption === undefined ? env.dbPath : resolve(String(dbOption));
  return {
    dbPath,
    // Converted models are cached in the data folder, beside the database.
    runtime: { cacheDir: env.modelCache ?? join(dirname(dbPath), 'models'), threads: env.threads, executionProvider: env.executionProvider },
  };
}

/** Opens an existing database; reading commands never create one. */
export function openExistingStore(dbPath: string): Store {
  if (!existsSync(dbPath)) {
    throw new LookalikeError('NOT_FOUND', `no database at ${dbPath}: run \`lookalike index <folder>\` first (or pass --db)`);
  }
  return Store.open(dbPath);
}
