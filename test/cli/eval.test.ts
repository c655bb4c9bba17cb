import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cifarImages, lookalike, tempDir } from '../helpers/fixtures.js';

describe('lookalike eval', () => {
  it('gives the hand-checked numbers when each query has exact copies in the gallery', () => {
    const src = tempDir('evalsrc');
    cifarImages(src, ['cat', 'ship'], 1);
    const gallery = tempDir('gallery');
    const queries = tempDir('queries');
    for (const label of ['cat', 'ship']) {
      mkdirSync(join(gallery, label));
      mkdirSync(join(queries, label));
      for (const n of [1, 2]) copyFileSync(join(src, label, '0000.jpg'), join(gallery, label, `copy${n}.jpg`));
      copyFileSync(join(src, label, '0000.jpg'), join(queries, label, 'q.jpg'));
    }
    const r = lookalike(['eval', '--gallery', gallery, '--queries', queries, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    // Each query: its 2 copies first (score 1), then the 2 other images; the gallery has 4.
    expect(JSON.parse(r.stdout)).toMatchObject({
      queries: 2, gallery: 4, labels: 2, orphanQueries: 0,
      precisionAt1: 1, precisionAt10: 0.2, mapAt10: 1, knn1Accuracy: 1, knn10Accuracy: 1,
    });
  });

  it('splits one labelled folder by seed and reports every metric in range', () => {
    const root = tempDir('eval');
    cifarImages(root, ['airplane', 'frog', 'truck'], 8);
    const db = join(tempDir('evaldb'), 'e.db');
    const first = lookalike(['eval', root, '--queries', '6', '--seed', '3', '--db', db, '--json', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as Record<string, number>;
    expect(a).toMatchObject({ queries: 6, gallery: 18, labels: 3 });
    for (const key of ['precisionAt1', 'precisionAt10', 'mapAt10', 'knn1Accuracy', 'knn10Accuracy']) {
      expect(a[key]).toBeGreaterThanOrEqual(0);
      expect(a[key]).toBeLessThanOrEqual(1);
    }
    expect(a.msPerImage).toBeGreaterThan(0);
    // Same seed, kept database: same numbers, nothing embedded again.
    const again = JSON.parse(lookalike(['eval', root, '--queries', '6', '--seed', '3', '--db', db, '--json', '--quiet']).stdout);
    expect({ ...again, msPerImage: 0 }).toEqual({ ...a, msPerImage: 0 });
    expect(again.msPerImage).toBeNull();
    const text = lookalike(['eval', root, '--queries', '6', '--db', db, '--quiet']);
    expect(text.stdout).toMatch(/^precision@10 +0\.\d{3}$/m);
  });

  it('says what is wrong with a set it cannot evaluate', () => {
    const one = tempDir('eval');
    cifarImages(one, ['cat'], 3);
    expect(lookalike(['eval', one, '--quiet']).stderr).toMatch(/eval needs at least two labels; .* has only "cat"/);
    const flat = tempDir('eval');
    writeFileSync(join(flat, 'x.jpg'), 'not even an image');
    const r = lookalike(['eval', flat, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no labelled images in .*: eval needs images in sub-folders named by their label/);
    const two = tempDir('eval');
    cifarImages(two, ['cat', 'dog'], 2);
    expect(lookalike(['eval', two, '--queries', '4', '--quiet']).stderr).toMatch(/--queries must be an integer from 1 to 3/);
    expect(lookalike(['eval', two, '--gallery', two]).code).toBe(2);
    expect(lookalike(['eval']).code).toBe(2);
  });
});
