import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cifarImages, lookalike, tempDir } from '../helpers/fixtures.js';

describe('learning from folder labels', () => {
  let root: string;
  let db: string;
  beforeAll(() => {
    root = tempDir('learn');
    cifarImages(root, ['airplane', 'cat', 'frog', 'ship', 'truck'], 40);
    db = join(tempDir('learndb'), 'l.db');
    expect(lookalike(['index', root, '--db', db, '--quiet']).code).toBe(0);
  });

  it('improves precision@10 on queries the head never saw', () => {
    const r = lookalike(['eval', root, '--queries', '50', '--db', db, '--learn', '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { precisionAt10: number; withHead: { precisionAt10: number; queries: number } };
    expect(out.withHead.queries).toBe(50);
    expect(out.withHead.precisionAt10).toBeGreaterThan(out.precisionAt10 + 0.1);
  });

  it('makes search use the head until switched off, keeping the raw vectors', () => {
    const learned = lookalike(['learn', '--db', db, '--json', '--quiet']);
    expect(learned.code, learned.stderr).toBe(0);
    expect(JSON.parse(learned.stdout)).toMatchObject({ active: true, kind: 'lda', labels: ['airplane', 'cat', 'frog', 'ship', 'truck'], trainedOn: 200 });
    const query = join(root, 'frog/0007.jpg');
    const withHead = JSON.parse(lookalike(['search', query, '--db', db, '--k', '3', '--json']).stdout);
    expect(withHead.head).toBe('lda');
    expect(withHead.results[0]).toMatchObject({ path: 'frog/0007.jpg', score: expect.closeTo(1, 4) });
    expect(lookalike(['learn', '--off', '--db', db]).stdout).toMatch(/raw vectors again/);
    const raw = JSON.parse(lookalike(['search', query, '--db', db, '--k', '3', '--json']).stdout);
    expect(raw.head).toBeNull();
    expect(lookalike(['learn', '--off', '--db', db]).stdout).toMatch(/no learned head was active/);
  });

  it('says why it cannot learn from one label or a label with one image', () => {
    const one = tempDir('learn');
    cifarImages(one, ['dog'], 3);
    cifarImages(join(one, 'x'), ['deer'], 1); // x/deer/0000.jpg: label deer, one image
    const oneDb = join(tempDir('learndb'), 'l.db');
    expect(lookalike(['index', one, '--db', oneDb, '--quiet']).code).toBe(0);
    const r = lookalike(['learn', '--db', oneDb]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('lookalike: learning needs at least two labels with two or more images each; found 1 (with one image only: deer)');
    expect(lookalike(['learn', '--db', join(tempDir('learndb'), 'none.db')]).stderr).toMatch(/no database at/);
  });
});
