import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LookalikeError, type ErrorCode, isErrorCode } from '../core/errors.js';
import type { JobStatus, ReindexSummary } from '../core/job-status.js';
import type { ChildMessage, ReindexRequest } from './messages.js';

export type JobListener = (status: JobStatus) => void;

/** A cancelled child that has not stopped after this long is killed: every batch so far is committed. */
const CANCEL_GRACE_MS = 10_000;
/** Finished jobs kept for status requests. */
const HISTORY = 20;

function childPath(): string {
  const here = new URL('./reindex-child.js', import.meta.url);
  return fileURLToPath(existsSync(here) ? here : new URL('../../dist/jobs/reindex-child.js', import.meta.url));
}

interface Job {
  status: JobStatus;
  child: ChildProcess;
  phaseStarted: number;
  listeners: Set<JobListener>;
  cancelTimer?: NodeJS.Timeout;
}

export interface JobRunnerOptions {
  /** The request every reindex runs with. */
  request: ReindexRequest;
  /** Runs after a job succeeds and before it is reported done: the server switches to the new index here. */
  onSuccess: (summary: ReindexSummary) => Promise<void>;
  log: (line: string) => void;
}

/**
 * Runs reindex jobs in a child process, one at a time, so embedding and the map build never
 * block the server; tracks their progress for status requests and event streams.
 */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private running: Job | undefined;
  private nextId = 1;

  constructor(private readonly options: JobRunnerOptions) {}

  get active(): JobStatus | undefined {
    return this.running?.status;
  }

  /** Starts a reindex; BUSY while one runs. overrides: the folder of the first run at start. */
  start(overrides: Partial<ReindexRequest> = {}): JobStatus {
    if (this.running) throw new LookalikeError('BUSY', `job ${this.running.status.id} is running; wait for it or cancel it (DELETE /api/admin/jobs/${this.running.status.id})`);
    const id = String(this.nextId++);
    const child = fork(childPath(), [JSON.stringify({ ...this.options.request, ...overrides })], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const now = new Date().toISOString();
    const job: Job = {
      status: {
        id, state: 'running', phase: 'starting', detail: null, done: 0, total: 0, rate: null, etaSeconds: null,
        startedAt: now, finishedAt: null, summary: null, error: null,
      },
      child, phaseStarted: performance.now(), listeners: new Set(),
    };
    this.jobs.set(id, job);
    this.running = job;
    this.options.log(`job ${id} started`);
    let outcome: ChildMessage | undefined;
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress') this.progress(job, m);
      else outcome = m;
    });
    let finished = false;
    const end = (code: number | null, signal: NodeJS.Signals | null, why: string): void => {
      if (finished) return;
      finished = true;
      void this.finish(job, outcome, code, signal, why);
    };
    child.on('exit', (code, signal) => end(code, signal, stderr));
    // A process that could not start never exits: its job fails here. Other errors (a failed
    // signal or message to a live process) leave the job to its exit.
    child.on('error', (err) => {
      if (child.pid === undefined) end(null, null, err.message);
      else this.options.log(`job ${id}: ${err.message}`);
    });
    return { ...job.status };
  }

  get(id: string): JobStatus {
    return { ...this.job(id).status };
  }

  /** Asks the job to stop after its current batch; killed if it does not stop in time. */
  cancel(id: string): JobStatus {
    const job = this.job(id);
    if (job.status.state !== 'running') throw new LookalikeError('BUSY', `job ${id} is not running (${job.status.state})`);
    if (!job.cancelTimer) {
      this.options.log(`job ${id} cancelling`);
      if (job.child.connected) job.child.send({ type: 'cancel' }, () => undefined);
      job.cancelTimer = setTimeout(() => job.child.kill('SIGKILL'), CANCEL_GRACE_MS);
    }
    return { ...job.status };
  }

  /** Calls listener on every change until the job ends; returns the unsubscribe function. */
  subscribe(id: string, listener: JobListener): () => void {
    const job = this.job(id);
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Stops a running job (server shutdown) and waits for its process to exit. */
  async close(): Promise<void> {
    const job = this.running;
    if (!job) return;
    const exited = new Promise<void>((resolve) => job.child.once('exit', () => resolve()));
    this.cancel(job.status.id);
    await exited;
  }

  private job(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new LookalikeError('NOT_FOUND', `no job with id ${id}`);
    return job;
  }

  private progress(job: Job, m: Extract<ChildMessage, { type: 'progress' }>): void {
    const s = job.status;
    const now = performance.now();
    if (m.phase !== s.phase || (m.detail ?? null) !== s.detail) {
      if (m.phase !== s.phase || m.done === 0) job.phaseStarted = now;
      this.options.log(`job ${s.id} ${m.phase}${m.detail ? `: ${m.detail}` : ''}${m.total > 1 ? ` (${m.total})` : ''}`);
    }
    const seconds = (now - job.phaseStarted) / 1000;
    const rate = m.done > 0 && seconds > 0 ? m.done / seconds : null;
    Object.assign(s, {
      phase: m.phase, detail: m.detail ?? null, done: m.done, total: m.total, rate,
      etaSeconds: rate ? (m.total - m.done) / rate : null,
    });
    this.emit(job);
  }

  private async finish(job: Job, outcome: ChildMessage | undefined, code: number | null, signal: NodeJS.Signals | null, stderr: string): Promise<void> {
    clearTimeout(job.cancelTimer);
    const s = job.status;
    try {
      if (outcome?.type === 'done') {
        await this.options.onSuccess(outcome.summary);
        s.state = 'done';
        s.summary = outcome.summary;
      } else if (outcome?.type === 'cancelled' || job.cancelTimer) {
        s.state = 'cancelled';
      } else {
        s.state = 'failed';
        s.error = outcome?.type === 'error'
          ? { code: outcome.code, message: outcome.message }
          : { code: 'INTERNAL', message: `the reindex process exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}` };
      }
    } catch (err) {
      s.state = 'failed';
      const c = err instanceof LookalikeError ? err.code : 'INTERNAL';
      s.error = { code: isErrorCode(c) ? c : ('INTERNAL' satisfies ErrorCode), message: (err as Error).message };
    }
    s.finishedAt = new Date().toISOString();
    s.rate = null;
    s.etaSeconds = null;
    this.running = undefined;
    this.options.log(`job ${s.id} ${s.state}${s.error ? `: ${s.error.message}` : ''}`);
    this.emit(job);
    job.listeners.clear();
    const finished = [...this.jobs.values()].filter((j) => j.status.state !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - HISTORY))) this.jobs.delete(old.status.id);
  }

  private emit(job: Job): void {
    const snapshot = { ...job.status };
    for (const listener of job.listeners) listener(snapshot);
  }
}
