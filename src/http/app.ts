import { Hono } from 'hono';
import { LookalikeError } from '../core/errors.js';
import type { ImageService } from '../images/image-service.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { SearchService } from '../search/search-service.js';
import type { Store } from '../store/store.js';
import { errorResponse } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { healthRoutes } from './routes/health.js';
import { imageRoutes } from './routes/images.js';
import { mapRoutes } from './routes/map.js';
import { searchRoutes } from './routes/search.js';
import { staticFiles } from './routes/static.js';

export interface AppDeps {
  store: Pick<Store, 'countImages'>;
  search: SearchService;
  images: ImageService;
  jobs: JobRunner;
  /** undefined: admin routes answer 403. */
  adminToken: string | undefined;
  maxUploadBytes: number;
  defaultK: number;
  maxK: number;
  /** The browser app's built files. */
  publicDir: string;
  /** One line per request, job phase and unexpected error. */
  log: (line: string) => void;
}

/** The whole HTTP surface; does no I/O until a request arrives. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.log(`${c.req.method} ${c.req.path} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
  });
  for (const routes of [healthRoutes, imageRoutes, searchRoutes, mapRoutes, adminRoutes]) app.route('/api', routes(deps));
  app.use('*', staticFiles(deps.publicDir));
  app.notFound((c) => errorResponse(new LookalikeError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), c, deps.log));
  app.onError((err, c) => errorResponse(err, c, deps.log));
  return app;
}
