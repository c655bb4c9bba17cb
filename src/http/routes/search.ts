import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LookalikeError } from '../../core/errors.js';
import type { AppDeps } from '../app.js';
import { intParam } from '../params.js';
import { searchBody } from '../urls.js';

/** Room for the multipart boundaries and headers around the image itself. */
const MULTIPART_SLACK = 64 * 1024;

export function searchRoutes(deps: AppDeps): Hono {
  const tooLarge = (): never => {
    throw new LookalikeError('UPLOAD_TOO_LARGE', `the upload is over the limit of ${deps.maxUploadBytes} bytes (--max-upload)`);
  };
  return new Hono().post(
    '/search',
    // Refuses by Content-Length before reading anything, or stops reading a chunked body at the limit.
    bodyLimit({ maxSize: deps.maxUploadBytes + MULTIPART_SLACK, onError: tooLarge }),
    async (c) => {
      if (!(c.req.header('Content-Type') ?? '').startsWith('multipart/form-data')) {
        throw new LookalikeError('BAD_ARGUMENT', 'send the image as multipart/form-data, field "image"');
      }
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch (err) {
        throw new LookalikeError('BAD_ARGUMENT', `malformed multipart body: ${(err as Error).message}`);
      }
      const image = form.get('image');
      if (!(image instanceof File)) throw new LookalikeError('BAD_ARGUMENT', 'no file in the multipart field "image"');
      if (image.size > deps.maxUploadBytes) tooLarge();
      const kField = form.get('k');
      const k = intParam(typeof kField === 'string' ? kField : c.req.query('k'), 'k', deps.defaultK, 1, deps.maxK);
      const result = await deps.search.similarToUpload(Buffer.from(await image.arrayBuffer()), k);
      return c.json(searchBody(result, { query: { name: image.name, bytes: image.size } }));
    },
  );
}
