import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { LookalikeError } from '../core/errors.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Bearer-token guard of the admin routes. Off (403) without a configured token. Both sides are
 * hashed first so the comparison takes the same time whatever the length or content sent.
 */
export function adminAuth(token: string | undefined): MiddlewareHandler {
  const expected = token === undefined ? undefined : digest(token);
  return async (c, next) => {
    if (!expected) {
      throw new LookalikeError('FORBIDDEN', 'admin routes are off: start the server with LOOKALIKE_ADMIN_TOKEN=<a secret of 8+ characters> to turn them on');
    }
    const header = c.req.header('Authorization') ?? '';
    const sent = /^Bearer (.+)$/i.exec(header)?.[1]?.trim();
    if (sent === undefined) throw new LookalikeError('UNAUTHORIZED', 'admin routes need the header "Authorization: Bearer <LOOKALIKE_ADMIN_TOKEN>"');
    if (!timingSafeEqual(digest(sent), expected)) throw new LookalikeError('UNAUTHORIZED', 'wrong admin token');
    await next();
  };
}
