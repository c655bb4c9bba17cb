import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { openDatabase, PAGE_SIZE, Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/fixtures.js';

describe('migrations', () => {
  it('create the schema on an empty database, with WAL and the packing page size', () => {
    const path = join(tempDir('mig'), 'new.db');
    const store = Store.open(path);
    const tables = store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['embeddings', 'images', 'index_runs', 'meta', 'models', 'schema_migrations']));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(readMigrations().map((m) => m.version));
    store.close();
  });

  it('run each migration once on an existing database and keep its data', () => {
    const path = join(tempDir('mig'), 'old.db');
    const first = Store.open(path);
    first.setMeta('root', '/photos');
    first.close();
    const db = openDatabase(path);
    expect(migrate(db)).toEqual([]);
    db.close();
    const again = Store.open(path);
    expect(again.getMeta('root')).toBe('/photos');
    again.close();
  });

  it('apply only the newer migrations, each atomically, and stop at a failing one', () => {
    const dir = tempDir('mig');
    const sqlDir = join(dir, 'migrations');
    mkdirSync(sqlDir);
    writeFileSync(join(sqlDir, '0001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    const db = new Database(join(dir, 'x.db'));
    expect(migrate(db, readMigrations(sqlDir))).toEqual([1]);
    writeFileSync(join(sqlDir, '0002_b.sql'), 'CREATE TABLE b (y INTEGER);');
    writeFileSync(join(sqlDir, '0003_bad.sql'), 'CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);');
    expect(() => migrate(db, readMigrations(sqlDir))).toThrow(/nowhere/);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
    expect(tables).toContain('b');
    expect(tables).not.toContain('c'); // the failed migration left nothing behind
    expect(db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(2);
    db.close();
  });

  it('refuse a database from a newer program and a gap in the numbering', () => {
    const dir = tempDir('mig');
    const db = new Database(join(dir, 'x.db'));
    db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT);
             INSERT INTO schema_migrations (version, name) VALUES (99, 'future.sql');`);
    expect(() => migrate(db)).toThrow(/newer than this program/);
    const sqlDir = join(dir, 'gap');
    mkdirSync(sqlDir);
    writeFileSync(join(sqlDir, '0001_a.sql'), 'SELECT 1;');
    writeFileSync(join(sqlDir, '0003_c.sql'), 'SELECT 1;');
    expect(() => readMigrations(sqlDir)).toThrow(/out of sequence/);
  });

  it('report an unwritable location as one clear error', () => {
    expect(() => Store.open('/dev/null/lookalike.db')).toThrow(/cannot open database \/dev\/null\/lookalike.db/);
  });
});
