/** What crosses the pipe between the server and its reindex process. */
import type { ModelSpec, RuntimeOptions } from '../embed/model.js';
import type { DecodeLimits } from '../embed/preprocess.js';

export interface ReindexRequest {
  dbPath: string;
  /** The folder to index; undefined: the one the database already indexes. */
  root?: string;
  /** The recipe to embed with; undefined: the serving model's (or the default on a new database). */
  spec?: ModelSpec;
  runtime: RuntimeOptions;
  limits: DecodeLimits;
  maxFileBytes: number;
  batchSize?: number;
}

export type JobPhase = 'starting' | 'scanning' | 'embedding' | 'indexing' | 'mapping' | 'placing';

export interface ReindexSummary {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
  indexed: number;
  /** The map version built or extended by this job; null where none was needed. */
  mapId: number | null;
  mapAction: 'built' | 'placed' | 'unchanged';
  seconds: number;
}

export type ChildMessage =
  | { type: 'progress'; phase: JobPhase; done: number; total: number; detail?: string }
  | { type: 'done'; summary: ReindexSummary }
  | { type: 'cancelled' }
  | { type: 'error'; code: string; message: string };

export type ParentMessage = { type: 'cancel' };
