/**
 * The browser's side of the Lookalike HTTP API. Every failure becomes an ApiError whose message a
 * person can act on: the server's own `{ error: { code, message } }`, or a plain "cannot reach the
 * server" when the request never got an answer.
 */
import type { JobStatus } from '../core/job-status.js';
import { decodeMap, type MapArrays, type MapHeader } from '../core/map-format.js';
import { readSse, type SseEvent } from './sse.js';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ImageHit {
  id: number;
  score: number;
  label: string | null;
  cluster: number | null;
  path?: string;
  thumbUrl: string;
  fileUrl: string;
}

export interface SearchResult {
  results: ImageHit[];
  /** Where the query falls on the current map (map units), null when there is no map. */
  map: { mapId: number; x: number; y: number } | null;
}

export interface ClusterInfo {
  id: number;
  label: string | null;
  labelShare: number | null;
  size: number;
  x: number;
  y: number;
  representatives: { id: number; thumbUrl: string }[];
}

export type LoadedMap = { header: MapHeader } & MapArrays;

export const thumbUrl = (id: number, size: number): string => `/api/images/${id}/thumb?size=${size}`;
export const fileUrl = (id: number): string => `/api/images/${id}/file`;

async function send(path: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (init?.signal?.aborted) throw err;
    throw new ApiError(0, 'UNREACHABLE', 'Cannot reach the Lookalike server. Is it running? Reload the page once it is back.');
  }
  if (res.ok) return res;
  let code = `HTTP_${res.status}`;
  let message = `The server answered ${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message;
    if (body.error?.code) code = body.error.code;
  } catch {
    // Not our JSON (a proxy's page, an empty body): keep the status line.
  }
  throw new ApiError(res.status, code, message);
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await send(path, init)).json()) as T;
}

/** The current map, or null when none has been built yet (404). */
export async function getMap(): Promise<LoadedMap | null> {
  try {
    const res = await send('/api/map', { headers: { Accept: 'application/octet-stream' } });
    return decodeMap(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    if (err instanceof RangeError) throw new ApiError(0, 'BAD_MAP', `The map from the server could not be read: ${err.message}`);
    throw err;
  }
}

export async function getClusters(): Promise<ClusterInfo[]> {
  return (await json<{ clusters: ClusterInfo[] }>('/api/clusters')).clusters;
}

export function similarTo(id: number, k: number): Promise<SearchResult> {
  return json<SearchResult>(`/api/images/${id}/similar?k=${k}`);
}

export function searchByUpload(file: Blob, k: number): Promise<SearchResult> {
  const form = new FormData();
  form.append('image', file);
  form.append('k', String(k));
  return json<SearchResult>('/api/search', { method: 'POST', body: form });
}

const bearer = (token: string): HeadersInit => ({ Authorization: `Bearer ${token}` });

export function startReindex(token: string): Promise<{ jobId: string }> {
  return json<{ jobId: string }>('/api/admin/reindex', { method: 'POST', headers: bearer(token) });
}

export function getJob(token: string, id: string): Promise<JobStatus> {
  return json<JobStatus>(`/api/admin/jobs/${encodeURIComponent(id)}`, { headers: bearer(token) });
}

export async function cancelJob(token: string, id: string): Promise<void> {
  await send(`/api/admin/jobs/${encodeURIComponent(id)}`, { method: 'DELETE', headers: bearer(token) });
}

/** Follows a job's event stream until it ends or `signal` aborts. */
export async function followJob(token: string, id: string, onEvent: (e: SseEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await send(`/api/admin/jobs/${encodeURIComponent(id)}/events`, {
    headers: { ...bearer(token), Accept: 'text/event-stream' },
    signal,
  });
  if (!res.body) throw new ApiError(0, 'NO_STREAM', 'The browser could not read the progress stream.');
  await readSse(res.body, onEvent, signal);
}
