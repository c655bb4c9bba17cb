import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LookalikeError } from '../core/errors.js';
import type { ImageDetails, Store } from '../store/store.js';
import type { Thumbnails } from './thumbnails.js';

export interface ImageFile {
  absPath: string;
  bytes: number;
  format: string | null;
  sha256: string;
}

/**
 * Indexed images by id. A file's location comes from the store (the indexed folder plus the
 * path the scan found there), never from a request.
 */
export class ImageService {
  constructor(private readonly store: Store, private readonly thumbnails: Thumbnails) {}

  details(id: number): ImageDetails {
    const row = this.store.imageDetails(id);
    if (!row) throw new LookalikeError('NOT_FOUND', `no image with id ${id}`);
    return row;
  }

  /** The original file; NOT_FOUND for an id that was never readable or a file gone since. */
  async file(id: number): Promise<ImageFile> {
    const row = this.details(id);
    const root = this.store.getMeta('root');
    if (row.status !== 'ok' || row.sha256 === null || root === undefined) {
      throw new LookalikeError('NOT_FOUND', `image ${id} could not be indexed: ${row.error ?? 'no file'}`);
    }
    const absPath = join(root, row.path);
    const st = await stat(absPath).catch(() => undefined);
    if (!st?.isFile()) throw new LookalikeError('NOT_FOUND', `the file of image ${id} was moved or deleted since it was indexed`);
    return { absPath, bytes: st.size, format: row.format, sha256: row.sha256 };
  }

  async thumbnail(id: number, size: number): Promise<{ bytes: Buffer; sha256: string }> {
    const f = await this.file(id);
    return { bytes: await this.thumbnails.get(f.absPath, f.sha256, size), sha256: f.sha256 };
  }
}
