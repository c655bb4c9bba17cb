import { Hono } from 'hono';
import type { AppDeps } from '../app.js';

export function healthRoutes(deps: AppDeps): Hono {
  const started = Date.now();
  return new Hono().get('/health', (c) => {
    const s = deps.search.serving;
    const job = deps.jobs.active;
    return c.json({
      status: 'ok',
      images: deps.store.countImages(),
      index: { kind: s.index.kind, size: s.index.size, runId: s.runId, loadedAt: s.loadedAt },
      map: s.map ? { id: s.map.id, points: s.map.size, clusters: s.map.clusters.length } : null,
      job: job ? { id: job.id, phase: job.phase, done: job.done, total: job.total } : null,
      admin: deps.adminToken !== undefined,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    });
  });
}
