import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { THUMB_SIZES } from '../../images/thumbnails.js';
import type { AppDeps } from '../app.js';
import { idParam, intParam, notModified } from '../params.js';
import { imageUrls, searchBody } from '../urls.js';

/** Originals and thumbnails change only with the content, which changes their ETag. */
const CACHE = 'public, max-age=3600, must-revalidate';

const MIME: Record<string, string> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', heif: 'image/heif',
  tiff: 'image/tiff', svg: 'image/svg+xml',
};

export function imageRoutes(deps: AppDeps): Hono {
  return new Hono()
    .get('/images/:id', (c) => {
      const id = idParam(c.req.param('id'), 'image');
      const { sha256: _sha, ...row } = deps.images.details(id);
      const position = deps.search.serving.map?.position(id) ?? null;
      return c.json({ ...row, ...imageUrls(id), map: position });
    })
    .get('/images/:id/similar', async (c) => {
      const id = idParam(c.req.param('id'), 'image');
      const k = intParam(c.req.query('k'), 'k', deps.defaultK, 1, deps.maxK);
      return c.json(searchBody(await deps.search.similarToImage(id, k), { query: { id } }));
    })
    .get('/images/:id/file', async (c) => {
      const f = await deps.images.file(idParam(c.req.param('id'), 'image'));
      const etag = `"${f.sha256}"`;
      c.header('ETag', etag);
      c.header('Cache-Control', CACHE);
      if (notModified(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
      c.header('Content-Type', MIME[f.format ?? ''] ?? 'application/octet-stream');
      c.header('Content-Length', String(f.bytes));
      c.header('X-Content-Type-Options', 'nosniff');
      // SVG can carry script: served as an attachment-free image but sandboxed.
      if (f.format === 'svg') c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
      return c.body(Readable.toWeb(createReadStream(f.absPath)) as ReadableStream);
    })
    .get('/images/:id/thumb', async (c) => {
      const id = idParam(c.req.param('id'), 'image');
      const size = intParam(c.req.query('size'), 'size', THUMB_SIZES.default, THUMB_SIZES.min, THUMB_SIZES.max);
      const f = await deps.images.file(id);
      const etag = `"${f.sha256}-${size}"`;
      c.header('ETag', etag);
      c.header('Cache-Control', CACHE);
      if (notModified(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
      const thumb = await deps.images.thumbnail(id, size);
      c.header('Content-Type', 'image/webp');
      return c.body(new Uint8Array(thumb.bytes));
    });
}
