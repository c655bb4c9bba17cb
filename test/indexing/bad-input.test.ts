import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageModel } from '../../src/embed/model.js';
import { indexFolder } from '../../src/indexing/indexer.js';
import { Store } from '../../src/store/store.js';
import { cifarImages, tempDir } from '../helpers/fixtures.js';
import { testModel } from '../helpers/model.js';

let model: ImageModel;
beforeAll(async () => {
  model = await testModel();
});
afterAll(async () => {
  await model.close();
});

const isRoot = process.getuid?.() === 0;

describe('bad input while indexing', () => {
  it('records every bad file with its reason and indexes the rest', async () => {
    const root = tempDir('bad');
    cifarImages(root, ['cat'], 2);
    const jpeg = readFileSync(join(root, 'cat/0000.jpg'));
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'empty.jpg'), Buffer.alloc(0));
    writeFileSync(join(bad, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.85)));
    const corrupt = Buffer.from(jpeg);
    corrupt.fill(0x55, 20, corrupt.length - 20); // header kept, entropy data destroyed
    writeFileSync(join(bad, 'corrupt.jpg'), corrupt);
    writeFileSync(join(bad, 'notes.png'), 'this is text, not a picture\n');
    await sharp({ create: { width: 1500, height: 1000, channels: 3, background: '#808080' } }).png().toFile(join(bad, 'huge.png'));
    writeFileSync(join(bad, 'big.webp'), Buffer.alloc(3 << 20, 1));
    symlinkSync(join(bad, 'deleted.jpg'), join(bad, 'dangling.jpg'));
    symlinkSync('self.jpg', join(bad, 'self.jpg'));
    symlinkSync('..', join(bad, 'loop'));
    execFileSync('mkfifo', [join(bad, 'pipe.jpg')]);
    writeFileSync(join(bad, 'readme.txt'), 'ignored: not an image name');

    const store = Store.open(join(tempDir('db'), 'l.db'));
    const s = await indexFolder(store, model, { root, batchSize: 4, maxFileBytes: 2 << 20, limits: { maxPixels: 1_000_000 } });
    expect(s).toMatchObject({ added: 2, indexed: 2, interrupted: false });
    const reasons = Object.fromEntries(store.failedImages().map((f) => [f.path, f.error]));
    expect(reasons).toEqual({
      'bad/big.webp': expect.stringMatching(/over the limit of 2097152/),
      'bad/corrupt.jpg': expect.stringMatching(/cannot decode jpeg|not a readable image/),
      'bad/dangling.jpg': expect.stringMatching(/cannot read.*ENOENT/),
      'bad/empty.jpg': 'empty file',
      'bad/huge.png': 'image is 1500×1000 pixels, over the limit of 1000000',
      'bad/loop': expect.stringMatching(/symbolic link loop/),
      'bad/notes.png': expect.stringMatching(/not a readable image/),
      'bad/pipe.jpg': 'not a regular file',
      'bad/self.jpg': 'symbolic link loop',
      'bad/truncated.jpg': expect.stringMatching(/cannot decode jpeg/),
    });
    expect(s.failed).toBe(10);
    expect(s.failures.map((f) => f.path).sort()).toEqual(Object.keys(reasons).sort());
    store.close();
  });

  it.skipIf(isRoot)('records a file without read permission', async () => {
    const root = tempDir('bad');
    cifarImages(root, ['cat'], 1);
    writeFileSync(join(root, 'secret.jpg'), 'x');
    chmodSync(join(root, 'secret.jpg'), 0);
    const store = Store.open(join(tempDir('db'), 'l.db'));
    await indexFolder(store, model, { root, batchSize: 4, maxFileBytes: 1 << 20, limits: { maxPixels: 1e6 } });
    expect(store.failedImages()).toEqual([{ path: 'secret.jpg', error: expect.stringMatching(/EACCES/) }]);
    store.close();
  });

  it('does not fail the run when nothing is indexable, but indexes nothing', async () => {
    const root = tempDir('bad');
    writeFileSync(join(root, 'a.jpg'), 'nope');
    const store = Store.open(join(tempDir('db'), 'l.db'));
    const s = await indexFolder(store, model, { root, batchSize: 4, maxFileBytes: 1 << 20, limits: { maxPixels: 1e6 } });
    expect(s).toMatchObject({ failed: 1, indexed: 0 });
    store.close();
  });
});
