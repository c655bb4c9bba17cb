/**
 * The reindex job as the server reports it (`GET /api/admin/jobs/:id` and its event
 * stream): shared by the job runner, the HTTP routes and the browser app.
 */
import type { RunCounts } from './types.js';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export type JobPhase = 'starting' | 'scanning' | 'embedding' | 'indexing' | 'mapping';

/** The index run's counts, then what the job did to the map. */
export interface ReindexSummary extends RunCounts {
  indexed: number;
  /** The current map after the job. */
  mapId: number | null;
  /** 'unchanged' when the images and the map were already in step. */
  mapAction: 'built' | 'unchanged';
  seconds: number;
}

export interface JobStatus {
  id: string;
  state: JobState;
  phase: JobPhase;
  detail: string | null;
  done: number;
  total: number;
  /** Items a second in the current phase; null until there is a rate. */
  rate: number | null;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  summary: ReindexSummary | null;
  error: { code: string; message: string } | null;
}
