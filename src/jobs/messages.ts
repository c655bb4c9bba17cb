/** What crosses the pipe between the server and its reindex process. */
import type { JobPhase, ReindexSummary } from '../core/job-status.js';
import type { RuntimeOptions } from '../embed/model.js';
import type { DecodeLimits } from '../embed/preprocess.js';

export interface ReindexRequest {
  dbPath: string;
  /** The folder to index; undefined: the one the database already indexes. */
  root?: string;
  runtime: RuntimeOptions;
  limits: DecodeLimits;
  maxFileBytes: number;
}

export type ChildMessage =
  | { type: 'progress'; phase: JobPhase; done: number; total: number; detail?: string }
  | { type: 'done'; summary: ReindexSummary }
  | { type: 'cancelled' }
  | { type: 'error'; code: string; message: string };

export type ParentMessage = { type: 'cancel' };
