import sharp, { type Metadata } from 'sharp';
import { LookalikeError, errorMessage } from '../core/errors.js';

// libvips threads per image: the pipeline decodes several images at once instead.
sharp.concurrency(1);

export interface DecodeLimits {
  /** Largest width × height accepted; guards against decompression bombs. */
  maxPixels: number;
}

export const DEFAULT_LIMITS: DecodeLimits = { maxPixels: 100_000_000 };

/** Files larger than this are refused unread, unless --max-bytes says otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface DecodedImage {
  width: number;
  height: number;
  format: string;
  /** size × size × 3 RGB bytes, row-major. */
  pixels: Buffer;
}

/**
 * Decodes any format sharp reads (first frame of animations), applies EXIF orientation,
 * flattens transparency onto white, and resizes the whole image to size × size RGB.
 */
export async function decodeForModel(input: Buffer, size: number, limits: DecodeLimits = DEFAULT_LIMITS): Promise<DecodedImage> {
  if (input.length === 0) throw new LookalikeError('NOT_AN_IMAGE', 'empty file');
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    // sharp names bytes it recognises as no format "unsupported"; anything else is a known format, broken.
    const unknown = /unsupported image format/i.test(errorMessage(err));
    throw new LookalikeError(unknown ? 'NOT_AN_IMAGE' : 'CORRUPT_IMAGE', `not a readable image: ${cleanSharpMessage(err)}`, { cause: err });
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height || !meta.format) throw new LookalikeError('NOT_AN_IMAGE', 'not a readable image: no dimensions');
  if (width * height > limits.maxPixels) {
    throw new LookalikeError('IMAGE_TOO_LARGE', `image is ${width}×${height} pixels, over the limit of ${limits.maxPixels}`);
  }
  try {
    // Each optional step costs about 0.2 ms even when it changes nothing: add only those needed.
    let pipeline = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
    pipeline = pipeline.resize(size, size, { fit: 'fill', kernel: 'linear' });
    if (meta.space !== 'srgb' || meta.channels !== (meta.hasAlpha ? 4 : 3) || meta.depth !== 'uchar') pipeline = pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== size * size * 3) {
      throw new Error(`decoded to ${info.channels} channels at ${info.width}×${info.height}`);
    }
    return { width, height, format: meta.format, pixels: data };
  } catch (err) {
    // A format sharp knows whose data is broken (truncated, corrupt): not the same as "not an image".
    throw new LookalikeError('CORRUPT_IMAGE', `cannot decode ${meta.format} image: ${cleanSharpMessage(err)}`, { cause: err });
  }
}

function cleanSharpMessage(err: unknown): string {
  return errorMessage(err).split('\n')[0]!.replace(/^Input (buffer|file) /, '').trim();
}
