import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { JobStatus } from '../../core/job-status.js';
import type { AppDeps } from '../app.js';
import { adminAuth } from '../auth.js';
import { idParam } from '../params.js';

export function adminRoutes(deps: AppDeps): Hono {
  return new Hono()
    .use('/admin/*', adminAuth(deps.adminToken))
    .post('/admin/reindex', (c) => {
      const job = deps.jobs.start();
      c.header('Location', `/api/admin/jobs/${job.id}`);
      return c.json({ jobId: job.id }, 202);
    })
    .get('/admin/jobs/:id', (c) => c.json(deps.jobs.get(String(idParam(c.req.param('id'), 'job')))))
    .delete('/admin/jobs/:id', (c) => c.json(deps.jobs.cancel(String(idParam(c.req.param('id'), 'job'))), 202))
    .get('/admin/jobs/:id/events', (c) => {
      const jobs = deps.jobs;
      const id = String(idParam(c.req.param('id'), 'job'));
      jobs.get(id); // NOT_FOUND before the stream starts
      return streamSSE(c, async (stream) => {
        let seq = 0;
        const send = (s: JobStatus): Promise<void> =>
          stream.writeSSE({ event: s.state === 'running' ? 'progress' : 'end', data: JSON.stringify(s), id: String(seq++) });
        // Updates arrive faster than a slow client reads: send the latest, never a backlog.
        let latest: JobStatus | undefined;
        let wake: (() => void) | undefined;
        const unsubscribe = jobs.subscribe(id, (s) => {
          latest = s;
          wake?.();
        });
        stream.onAbort(() => {
          unsubscribe();
          wake?.();
        });
        const first = jobs.get(id); // read after subscribing, so no change falls between
        await send(first);
        if (first.state !== 'running') return unsubscribe();
        while (!stream.aborted) {
          if (!latest) await new Promise<void>((resolve) => (wake = resolve));
          const s = latest;
          latest = undefined;
          if (!s) continue;
          await send(s);
          if (s.state !== 'running') break;
        }
        unsubscribe();
      });
    });
}
