import { join } from 'node:path';
import { startServer, DEFAULT_MAX_UPLOAD, type RunningServer, type ServeOptions } from '../../src/cli/serve-command.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_FILE_BYTES } from '../../src/embed/preprocess.js';
import { MODEL_CACHE, tempDir } from './fixtures.js';

/**
 * A real server on 127.0.0.1 at an ephemeral port, composed exactly as `lookalike serve`
 * composes it, with one inference thread and the shared model cache; logs kept, not printed.
 */
export async function testServer(options: Partial<ServeOptions> & { dbPath: string }): Promise<RunningServer & { logs: string[] }> {
  const logs: string[] = [];
  const server = await startServer({
    port: 0, host: '127.0.0.1',
    runtime: { cacheDir: MODEL_CACHE, threads: 1, executionProvider: 'cpu' },
    adminToken: undefined, maxUploadBytes: DEFAULT_MAX_UPLOAD, limits: DEFAULT_LIMITS, maxFileBytes: DEFAULT_MAX_FILE_BYTES,
    publicDir: join(tempDir('public'), 'public'),
    log: (line) => logs.push(line),
    ...options,
  });
  return Object.assign(server, { logs });
}

/** A multipart body with the file in field "image" (and k when given). */
export function uploadForm(bytes: Uint8Array, name = 'query.jpg', k?: number): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)]), name);
  if (k !== undefined) form.append('k', String(k));
  return form;
}

export interface SearchBody {
  results: Array<{ id: number; score: number; label: string | null; cluster: number | null; path: string; thumbUrl: string; fileUrl: string }>;
  map: { mapId: number; x: number; y: number; neighbours: Array<{ id: number }> } | null;
}

export interface ErrorBody {
  error: { code: string; message: string };
}
