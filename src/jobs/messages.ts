/** What crosses the pipe between the server and its reindex process. */
import type { RunCounts } from '../core/types.js';
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

export type ChildMessage =
  | { type: 'progress'; phase: JobPhase; done: number; total: number; detail?: string }
  | { type: 'done'; summary: ReindexSummary }
  | { type: 'cancelled' }
  | { type: 'error'; code: string; message: string };

export type ParentMessage = { type: 'cancel' };
