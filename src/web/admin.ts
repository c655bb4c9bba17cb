/**
 * The admin panel: a token (kept for this tab only), start a reindex, follow its progress over
 * Server-Sent Events with rate and ETA, cancel it; when it completes the app reloads the map.
 */
import type { JobStatus } from '../core/job-status.js';
import { ApiError, cancelJob, followJob, getJob, startReindex } from './api.js';
import type { Messages } from './messages.js';

const TOKEN_KEY = 'lookalike.adminToken';

export interface AdminElements {
  form: HTMLFormElement;
  token: HTMLInputElement;
  start: HTMLButtonElement;
  cancel: HTMLButtonElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
}

export function formatEta(seconds: number): string {
  if (seconds < 1) return 'under a second left';
  const s = Math.round(seconds);
  if (s < 60) return `about ${s} s left`;
  const m = Math.floor(s / 60);
  return m < 60 ? `about ${m} min ${s % 60} s left` : `about ${Math.floor(m / 60)} h ${m % 60} min left`;
}

export function describeJob(s: JobStatus): string {
  if (s.state === 'done') return 'Reindex complete. The map has been refreshed.';
  if (s.state === 'cancelled') return 'Reindex cancelled. The previous index and map stay in use.';
  if (s.state === 'failed') return `Reindex failed: ${s.error?.message ?? 'unknown error'}`;
  const parts = [`${s.phase[0]!.toUpperCase()}${s.phase.slice(1)}`];
  if (s.total > 0) parts.push(`${s.done.toLocaleString()} / ${s.total.toLocaleString()}`);
  if (s.rate !== null && s.rate > 0) parts.push(`${s.rate.toFixed(s.rate < 10 ? 1 : 0)}/s`);
  if (s.etaSeconds !== null) parts.push(formatEta(s.etaSeconds));
  if (s.detail) parts.push(s.detail);
  return parts.join(' · ');
}

export class AdminPanel {
  private jobId: string | null = null;
  private follow: AbortController | null = null;

  constructor(private readonly ui: AdminElements, private readonly messages: Messages, private readonly onComplete: () => Promise<void>) {
    ui.token.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
    ui.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.start();
    });
    ui.cancel.addEventListener('click', () => void this.cancel());
  }

  private token(): string | null {
    const token = this.ui.token.value.trim();
    if (!token) {
      this.setStatus('Enter the admin token first (the server prints how to set LOOKALIKE_ADMIN_TOKEN).', 'error');
      this.ui.token.focus();
      return null;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    return token;
  }

  private async start(): Promise<void> {
    const token = this.token();
    if (!token) return;
    this.ui.start.disabled = true;
    this.setStatus('Starting…', 'info');
    try {
      const { jobId } = await startReindex(token);
      await this.watch(token, jobId);
    } catch (err) {
      this.ui.start.disabled = false;
      this.setStatus(this.explain(err), 'error');
    }
  }

  private async watch(token: string, jobId: string): Promise<void> {
    this.jobId = jobId;
    this.ui.cancel.hidden = false;
    this.ui.progress.hidden = false;
    this.ui.progress.removeAttribute('value');
    this.follow = new AbortController();
    let last: JobStatus | null = null;
    try {
      await followJob(token, jobId, (e) => {
        last = JSON.parse(e.data) as JobStatus;
        this.render(last);
      }, this.follow.signal);
      // The stream can end without a last word (a proxy, a restart): ask once.
      if (!last || (last as JobStatus).state === 'running') this.render((last = await getJob(token, jobId)));
    } catch (err) {
      if (!this.follow.signal.aborted) this.setStatus(this.explain(err), 'error');
    } finally {
      this.ui.start.disabled = false;
      this.ui.cancel.hidden = true;
      this.jobId = null;
    }
    if (last && (last as JobStatus).state === 'done') {
      try {
        await this.onComplete();
      } catch (err) {
        this.messages.error('Reloading the map after the reindex failed', err);
      }
    }
  }

  private async cancel(): Promise<void> {
    const token = this.token();
    if (!token || !this.jobId) return;
    this.ui.cancel.disabled = true;
    try {
      await cancelJob(token, this.jobId);
      this.setStatus('Cancelling…', 'info');
    } catch (err) {
      this.setStatus(this.explain(err), 'error');
    } finally {
      this.ui.cancel.disabled = false;
    }
  }

  private render(s: JobStatus): void {
    const { progress } = this.ui;
    if (s.total > 0) {
      progress.max = s.total;
      progress.value = s.done;
    } else progress.removeAttribute('value');
    if (s.state !== 'running') progress.hidden = s.state !== 'done';
    this.ui.status.dataset.state = s.state;
    this.setStatus(describeJob(s), s.state === 'failed' ? 'error' : 'info');
  }

  private explain(err: unknown): string {
    if (err instanceof ApiError && err.status === 401) return `Unauthorised: ${err.message}. Check the admin token.`;
    return err instanceof Error ? err.message : String(err);
  }

  private setStatus(text: string, kind: 'info' | 'error'): void {
    this.ui.status.textContent = text;
    this.ui.status.dataset.kind = kind;
  }
}
