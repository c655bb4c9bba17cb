import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForModel } from '../../src/embed/preprocess.js';

/** A 40×20 image: left half red, right half blue. */
function halves(channels: 3 | 4 = 3, alpha = 255): Sharp {
  const px = Buffer.alloc(40 * 20 * channels);
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 40; x++) {
      const o = (y * 40 + x) * channels;
      px.set(x < 20 ? [255, 0, 0] : [0, 0, 255], o);
      if (channels === 4) px[o + 3] = alpha;
    }
  }
  return sharp(px, { raw: { width: 40, height: 20, channels } });
}

const at = (px: Buffer, size: number, x: number, y: number): number[] => [...px.subarray((y * size + x) * 3, (y * size + x) * 3 + 3)];

describe('decodeForModel', () => {
  it.each([
    ['jpeg', () => halves().jpeg().toBuffer()],
    ['png', () => halves().png().toBuffer()],
    ['webp', () => halves().webp({ lossless: true }).toBuffer()],
    ['gif', () => halves().gif().toBuffer()],
    ['tiff', () => halves().tiff().toBuffer()],
    ['heif', () => halves().avif({ lossless: true }).toBuffer()],
  ])('decodes %s to size × size RGB, keeping the whole picture', async (format, make) => {
    const img = await decodeForModel(await make(), 16);
    expect(img).toMatchObject({ width: 40, height: 20, format });
    expect(img.pixels).toHaveLength(16 * 16 * 3);
    const [r, , b] = at(img.pixels, 16, 2, 8);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(60);
    expect(at(img.pixels, 16, 13, 8)[2]).toBeGreaterThan(200);
  });

  it('applies EXIF orientation before resizing', async () => {
    // Orientation 6: stored landscape, displayed rotated 90° clockwise (red on top).
    const rotated = await halves().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeForModel(rotated, 16);
    expect([img.width, img.height]).toEqual([20, 40]);
    expect(at(img.pixels, 16, 8, 2)[0]).toBeGreaterThan(200);
    expect(at(img.pixels, 16, 8, 13)[2]).toBeGreaterThan(200);
  });

  it('flattens transparency onto white, and takes grey and 16-bit images', async () => {
    const clear = await decodeForModel(await halves(4, 0).png().toBuffer(), 8);
    expect(at(clear.pixels, 8, 1, 4)).toEqual([255, 255, 255]);
    const grey = await decodeForModel(await halves().greyscale().png().toBuffer(), 8);
    const [r, g, b] = at(grey.pixels, 8, 1, 4);
    expect(r).toBe(g);
    expect(g).toBe(b);
    const deep = await decodeForModel(await halves().png({ force: true }).toColourspace('rgb16').toBuffer(), 8);
    expect(at(deep.pixels, 8, 1, 4)[0]).toBeGreaterThan(200);
  });

  it('rejects empty, foreign and oversized input with the reason', async () => {
    await expect(decodeForModel(Buffer.alloc(0), 8)).rejects.toThrow('empty file');
    await expect(decodeForModel(Buffer.from('GIF89a but not really'), 8)).rejects.toThrow(/not a readable image|cannot decode/);
    await expect(decodeForModel(await halves().png().toBuffer(), 8, { maxPixels: 100 })).rejects.toThrow('image is 40×20 pixels, over the limit of 100');
  });
});
