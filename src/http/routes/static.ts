import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { LookalikeError } from '../../core/errors.js';

/**
 * The browser app's built files from publicDir, index.html at `/`. The folder may be built
 * after the server starts, so its presence is checked per request.
 */
export function staticFiles(publicDir: string): MiddlewareHandler {
  let serve: MiddlewareHandler | undefined;
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (!existsSync(join(publicDir, 'index.html'))) {
      if (c.req.path === '/') throw new LookalikeError('NOT_FOUND', `the browser app is not built: no index.html in ${publicDir}`);
      return next();
    }
    serve ??= serveStatic({ root: publicDir });
    return serve(c, next);
  };
}
