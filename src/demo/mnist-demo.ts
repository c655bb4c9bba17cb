import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

interface MnistDigit {
  id: number;
  length: number;
  get(i: number): number[];
}

const SIDE = 28;

/**
 * The demo collection: the `mnist` package's 10,000 labelled digits as 28 × 28 greyscale PNG
 * files in dest/<digit>/, written on first use into a staging folder renamed into place, so
 * an interrupted first start leaves no half collection. Returns how many files there are.
 */
export async function writeMnistDemo(dest: string, onProgress?: (done: number, total: number) => void): Promise<number> {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const total = digits.reduce((n, d) => n + d.length, 0);
  if (existsSync(dest)) return total;
  const staging = `${dest}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  let done = 0;
  for (const digit of digits) {
    const dir = join(staging, String(digit.id));
    await mkdir(dir, { recursive: true });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < digit.length; i++) {
      const pixels = Uint8Array.from(digit.get(i), (v) => Math.round(v * 255));
      writes.push(sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 1 } }).png().toFile(join(dir, `${String(i).padStart(4, '0')}.png`)));
    }
    await Promise.all(writes);
    done += digit.length;
    onProgress?.(done, total);
  }
  await mkdir(dirname(dest), { recursive: true });
  await rename(staging, dest);
  return total;
}
