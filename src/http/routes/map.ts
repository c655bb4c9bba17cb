import { Hono } from 'hono';
import { LookalikeError } from '../../core/errors.js';
import type { MapView } from '../../mapping/map-view.js';
import type { AppDeps } from '../app.js';
import { notModified } from '../params.js';
import { imageUrls } from '../urls.js';

/** Maps up to this many points are also served as JSON; larger ones only in the binary form. */
export const JSON_MAP_MAX = 20_000;

function currentMap(deps: AppDeps): MapView {
  const map = deps.search.serving.map;
  if (!map) throw new LookalikeError('NOT_FOUND', 'no map has been built yet: it is built after indexing (POST /api/admin/reindex rebuilds it)');
  return map;
}

export function mapRoutes(deps: AppDeps): Hono {
  return new Hono()
    .get('/map', (c) => {
      const map = currentMap(deps);
      const json = c.req.query('format') === 'json' || (c.req.header('Accept') ?? '').startsWith('application/json');
      // The format's version is in the tag, so a body cached before an upgrade is never revalidated.
      const etag = `"map-${map.id}-${json ? 'json' : 'lkm2'}"`;
      c.header('ETag', etag);
      c.header('Cache-Control', 'no-cache'); // revalidate: a reindex publishes a new version
      c.header('Vary', 'Accept');
      if (notModified(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
      if (!json) {
        c.header('Content-Type', 'application/vnd.lookalike.map');
        return c.body(map.binary as Uint8Array<ArrayBuffer>);
      }
      if (map.size > JSON_MAP_MAX) {
        throw new LookalikeError('BAD_ARGUMENT', `the map has ${map.size} points; JSON is served up to ${JSON_MAP_MAX}: fetch the binary form (no format=json)`);
      }
      return c.json(map.json());
    })
    .get('/clusters', (c) => {
      const map = currentMap(deps);
      return c.json({
        mapId: map.id,
        clusters: map.clusters.map((cl) => ({
          id: cl.id, label: cl.label, labelShare: cl.labelShare, size: cl.size, x: cl.x, y: cl.y,
          representatives: cl.representatives.map((id) => ({ id, ...imageUrls(id) })),
        })),
      });
    });
}
