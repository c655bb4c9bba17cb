import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { DecodeLimits } from '../embed/preprocess.js';

export const THUMB_SIZES = { min: 16, max: 1024, default: 256 } as const;

/**
 * WebP thumbnails made by sharp and kept on disk under the content's SHA-256 and the size, so
 * a changed file gets a new one and an unchanged one is made once, whatever its id or path.
 */
export class Thumbnails {
  /** Thumbnails being made: concurrent requests for the same one wait for one sharp run. */
  private readonly making = new Map<string, Promise<Buffer>>();

  constructor(private readonly dir: string, private readonly limits: DecodeLimits) {}

  /** The thumbnail's bytes, made from the file at absPath if not cached. */
  async get(absPath: string, sha256: string, size: number): Promise<Buffer> {
    const key = `${sha256}-${size}`;
    const file = join(this.dir, sha256.slice(0, 2), `${key}.webp`);
    const cached = await readFile(file).catch(() => undefined);
    if (cached) return cached;
    let pending = this.making.get(key);
    if (!pending) {
      pending = this.make(absPath, file, size).finally(() => this.making.delete(key));
      this.making.set(key, pending);
    }
    return pending;
  }

  private async make(absPath: string, file: string, size: number): Promise<Buffer> {
    if (!(await stat(absPath).then((s) => s.isFile(), () => false))) {
      throw new LookalikeError('NOT_FOUND', 'the image file is no longer there: it was moved or deleted since it was indexed');
    }
    let bytes: Buffer;
    try {
      bytes = await sharp(absPath, { limitInputPixels: this.limits.maxPixels, failOn: 'error' })
        .rotate()
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
    } catch (err) {
      throw new LookalikeError('CORRUPT_IMAGE', `cannot make a thumbnail: ${errorMessage(err).split('\n')[0]}`, { cause: err });
    }
    // Written aside and renamed: a concurrent reader never sees half a file.
    const tmp = `${file}.${randomUUID()}.tmp`;
    try {
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, file);
    } catch {
      await rm(tmp, { force: true }); // a read-only cache still serves the thumbnail
    }
    return bytes;
  }
}
