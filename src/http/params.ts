import { LookalikeError } from '../core/errors.js';

/** An image or job id from the path: digits only, so nothing else can reach a lookup. */
export function idParam(value: string, what: 'image' | 'job'): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new LookalikeError('NOT_FOUND', `no ${what} with id ${JSON.stringify(value.slice(0, 40))}: ids are positive integers`);
  return Number(value);
}

/** An optional integer query or form value within [min, max]. */
export function intParam(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new LookalikeError('BAD_ARGUMENT', `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return n;
}

/** A quoted strong ETag matches If-None-Match (a list, or *). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
