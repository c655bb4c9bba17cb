import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { LookalikeError, type ErrorCode } from '../core/errors.js';

const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  BAD_ARGUMENT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BUSY: 409,
  UPLOAD_TOO_LARGE: 413,
  IMAGE_TOO_LARGE: 413,
  NOT_AN_IMAGE: 415,
  CORRUPT_IMAGE: 422,
  NOTHING_INDEXED: 503,
};

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/**
 * Every error becomes `{ error: { code, message } }`: a LookalikeError with the status of its
 * code, anything unexpected as a 500 that says no more than that (the details go to the log).
 */
export function errorResponse(err: unknown, c: Context, log: (line: string) => void): Response {
  if (err instanceof LookalikeError) {
    const status = STATUS[err.code] ?? 500;
    if (status === 500) log(`error ${err.code}: ${err.message}`);
    if (err.code === 'UNAUTHORIZED') c.header('WWW-Authenticate', 'Bearer');
    // The rest of the body is never read: the connection cannot carry another request.
    if (err.code === 'UPLOAD_TOO_LARGE') c.header('Connection', 'close');
    return c.json(errorBody(err.code, err.message), status);
  }
  if (err instanceof HTTPException) {
    return c.json(errorBody(err.status === 404 ? 'NOT_FOUND' : 'BAD_ARGUMENT', err.message || 'bad request'), err.status as ContentfulStatusCode);
  }
  log(`error: ${(err as Error)?.stack ?? String(err)}`);
  return c.json(errorBody('INTERNAL', 'internal error: the server log has the details'), 500);
}
