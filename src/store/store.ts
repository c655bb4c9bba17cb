import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { ImageRecord, ImageRow, ModelRecipe, RunCounts, RunStatus } from '../core/types.js';
import { migrate } from './migrate.js';

/**
 * 64 KiB pages: a 1632- or 1792-d float32 vector (6.4–7 KiB) fills an 8 or 16 KiB page badly;
 * measured on 5,000 vectors, 14.7 % of the file was slack at 4–32 KiB pages, 2.2 % at 64 KiB.
 */
export const PAGE_SIZE = 65536;

export interface StoredVector {
  imageId: number;
  vector: Float32Array;
}

export interface ImageInfo {
  id: number;
  path: string;
  label: string | null;
}

/** One image row as the server shows it: the indexed facts of its file, and its state. */
export interface ImageDetails extends ImageInfo, Pick<ImageRecord, 'sha256' | 'bytes' | 'width' | 'height' | 'format' | 'error'> {
  status: 'pending' | 'ok' | 'failed';
  updatedAt: string;
}

export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function blobToVector(b: Buffer): Float32Array {
  // Copy: SQLite's buffer may be unaligned for a Float32Array view.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function openDatabase(path: string, options: { readonly?: boolean } = {}): Database.Database {
  let db: Database.Database;
  try {
    if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma('busy_timeout = 10000');
    if (!options.readonly) {
      if ((db.pragma('page_count', { simple: true }) as number) === 0) db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw new LookalikeError('DATABASE', `cannot open database ${path}: ${errorMessage(err)}`, { cause: err });
  }
  return db;
}

/** Images, vectors, runs and heads; map versions are in map-store.ts. All SQL lives in store/. */
export class Store {
  readonly db: Database.Database;
  /** Statements of the per-request queries, prepared once: preparing costs more than running them. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
  }

  private cached(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  static open(path: string): Store {
    const db = openDatabase(path);
    try {
      migrate(db);
    } catch (err) {
      db.close();
      if (err instanceof LookalikeError) throw err;
      throw new LookalikeError('DATABASE', `cannot migrate database ${path}: ${errorMessage(err)}`, { cause: err });
    }
    return new Store(db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Returns the id of the model with this recipe's fingerprint, creating it if new. */
  ensureModel(recipe: ModelRecipe): number {
    const found = this.db.prepare('SELECT id FROM models WHERE fingerprint = ?').get(recipe.fingerprint) as { id: number } | undefined;
    if (found) return found.id;
    const info = this.db
      .prepare('INSERT INTO models (name, fingerprint, dims, layer, input_size, preprocessing) VALUES (?, ?, ?, ?, ?, ?)')
      .run(recipe.name, recipe.fingerprint, recipe.dims, recipe.layer, recipe.inputSize, JSON.stringify(recipe.preprocessing));
    return Number(info.lastInsertRowid);
  }

  /** The model of the newest finished run: the one whose vectors search serves. */
  servingModel(): (ModelRecipe & { id: number }) | undefined {
    const row = this.db
      .prepare(`SELECT m.id, m.name, m.fingerprint, m.dims, m.layer, m.input_size AS inputSize, m.preprocessing
                FROM index_runs r JOIN models m ON m.id = r.model_id
                WHERE r.status = 'done' ORDER BY r.id DESC LIMIT 1`)
      .get() as (Omit<ModelRecipe, 'preprocessing'> & { id: number; preprocessing: string }) | undefined;
    return row && { ...row, preprocessing: JSON.parse(row.preprocessing) as ModelRecipe['preprocessing'] };
  }

  listImages(modelId: number): ImageRow[] {
    return (
      this.db
        .prepare(`SELECT i.id, i.path, i.sha256, i.bytes, i.mtime_ms AS mtimeMs, i.status,
                         e.image_id IS NOT NULL AS embedded
                  FROM images i LEFT JOIN embeddings e ON e.image_id = i.id AND e.model_id = ?`)
        .all(modelId) as Array<Omit<ImageRow, 'embedded'> & { embedded: number }>
    ).map((r) => ({ ...r, embedded: r.embedded === 1 }));
  }

  /** Writes a batch of results atomically: image rows and their vectors land together or not at all. */
  writeResults(modelId: number, records: ImageRecord[]): void {
    const upsert = this.db.prepare(`
      INSERT INTO images (path, sha256, bytes, width, height, format, label, mtime_ms, status, error, updated_at)
      VALUES (@path, @sha256, @bytes, @width, @height, @format, @label, @mtimeMs, @status, @error, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes, width = excluded.width,
        height = excluded.height, format = excluded.format, label = excluded.label, mtime_ms = excluded.mtime_ms,
        status = excluded.status, error = excluded.error, updated_at = excluded.updated_at
      RETURNING id`);
    const putVector = this.db.prepare(
      'INSERT INTO embeddings (image_id, model_id, vector) VALUES (?, ?, ?) ON CONFLICT (image_id, model_id) DO UPDATE SET vector = excluded.vector',
    );
    const dropVectors = this.db.prepare('DELETE FROM embeddings WHERE image_id = ?');
    this.db.transaction(() => {
      for (const r of records) {
        const { id } = upsert.get({
          path: r.path, sha256: r.sha256, bytes: r.bytes, width: r.width, height: r.height, format: r.format,
          label: r.label, mtimeMs: r.mtimeMs, status: r.vector ? 'ok' : 'failed', error: r.error,
        }) as { id: number };
        if (r.vector) putVector.run(id, modelId, vectorToBlob(r.vector));
        else dropVectors.run(id);
      }
    })();
  }

  /** Records that a file's bytes are unchanged though its mtime moved (touched, copied back). */
  touchImage(id: number, mtimeMs: number): void {
    this.db.prepare('UPDATE images SET mtime_ms = ? WHERE id = ?').run(mtimeMs, id);
  }

  removeImages(ids: number[]): void {
    const del = this.db.prepare('DELETE FROM images WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  /** Drops vectors of other recipes once a run of this one has finished. */
  dropOtherModels(modelId: number): void {
    this.db.prepare('DELETE FROM embeddings WHERE model_id <> ?').run(modelId);
  }

  startRun(modelId: number, root: string): number {
    // A run left 'running' belongs to a process that died: the lock guarantees no other writer.
    this.db.prepare(`UPDATE index_runs SET status = 'interrupted' WHERE status = 'running'`).run();
    return Number(this.db.prepare(`INSERT INTO index_runs (model_id, root, status) VALUES (?, ?, 'running')`).run(modelId, root).lastInsertRowid);
  }

  finishRun(runId: number, status: RunStatus, counts: RunCounts, seconds: number, error?: string): void {
    this.db
      .prepare(`UPDATE index_runs SET status = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), added = ?, updated = ?,
                unchanged = ?, removed = ?, failed = ?, seconds = ?, error = ? WHERE id = ?`)
      .run(status, counts.added, counts.updated, counts.unchanged, counts.removed, counts.failed, seconds, error ?? null, runId);
  }

  lastFinishedRunId(): number {
    const row = this.db.prepare(`SELECT MAX(id) AS id FROM index_runs WHERE status = 'done'`).get() as { id: number | null };
    return row.id ?? 0;
  }

  /**
   * The newest run that may have changed the stored vectors: a finished run that added,
   * updated or removed images, or any run that did not finish (its counts are unknown). A
   * rerun that changed nothing leaves it where it was, so the search graph is not rebuilt.
   */
  lastChangingRunId(): number {
    const row = this.db.prepare(
      `SELECT MAX(id) AS id FROM index_runs WHERE status <> 'done' OR added + updated + removed > 0`,
    ).get() as { id: number | null };
    return row.id ?? 0;
  }

  countVectors(modelId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE model_id = ?').get(modelId) as { n: number }).n;
  }

  /** Streams every vector of a model in image-id order, without holding them all as rows. */
  *iterateVectors(modelId: number): Generator<StoredVector> {
    const rows = this.db.prepare('SELECT image_id AS imageId, vector FROM embeddings WHERE model_id = ? ORDER BY image_id').iterate(modelId);
    for (const row of rows as IterableIterator<{ imageId: number; vector: Buffer }>) {
      yield { imageId: row.imageId, vector: blobToVector(row.vector) };
    }
  }

  /** Every labelled image with its vector of this model, in path order. */
  labelledVectors(modelId: number): Array<{ path: string; label: string; vector: Float32Array }> {
    const rows = this.db
      .prepare(`SELECT i.path, i.label, e.vector FROM images i JOIN embeddings e ON e.image_id = i.id AND e.model_id = ?
                WHERE i.label IS NOT NULL ORDER BY i.path`)
      .all(modelId) as Array<{ path: string; label: string; vector: Buffer }>;
    return rows.map((r) => ({ path: r.path, label: r.label, vector: blobToVector(r.vector) }));
  }

  /** The folder label of every labelled image, by image id. */
  imageLabels(): Map<number, string> {
    const rows = this.db.prepare('SELECT id, label FROM images WHERE label IS NOT NULL').raw().all() as Array<[number, string]>;
    return new Map(rows);
  }

  imagesByIds(ids: number[]): Map<number, ImageInfo> {
    const get = this.cached('SELECT id, path, label FROM images WHERE id = ?');
    const out = new Map<number, ImageInfo>();
    for (const id of ids) {
      const row = get.get(id) as ImageInfo | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }

  imageDetails(id: number): ImageDetails | undefined {
    return this.cached(`SELECT id, path, label, sha256, bytes, width, height, format, status, error, updated_at AS updatedAt
                        FROM images WHERE id = ?`).get(id) as ImageDetails | undefined;
  }

  /** One image's stored vector of a model, undefined where it has none. */
  vectorOf(imageId: number, modelId: number): Float32Array | undefined {
    const row = this.cached('SELECT vector FROM embeddings WHERE image_id = ? AND model_id = ?').get(imageId, modelId) as { vector: Buffer } | undefined;
    return row && blobToVector(row.vector);
  }

  /** Two index-only counts: a SUM over the rows would read every row (10 ms at 50,000). */
  countImages(): { total: number; failed: number } {
    const count = (sql: string): number => this.cached(sql).pluck().get() as number;
    return { total: count('SELECT COUNT(*) FROM images'), failed: count(`SELECT COUNT(*) FROM images WHERE status = 'failed'`) };
  }

  /** Stores a head for a model and makes it the active one, in one transaction. */
  saveHead(modelId: number, head: { kind: string; dims: number; config: unknown; params: Buffer }): number {
    return this.db.transaction(() => {
      this.db.prepare('UPDATE heads SET active = 0 WHERE model_id = ?').run(modelId);
      return Number(this.db
        .prepare('INSERT INTO heads (model_id, kind, dims, config, params, active) VALUES (?, ?, ?, ?, ?, 1)')
        .run(modelId, head.kind, head.dims, JSON.stringify(head.config), head.params).lastInsertRowid);
    }).immediate();
  }

  activeHead(modelId: number): { id: number; kind: string; config: string; params: Buffer } | undefined {
    return this.db.prepare('SELECT id, kind, config, params FROM heads WHERE model_id = ? AND active = 1').get(modelId) as
      { id: number; kind: string; config: string; params: Buffer } | undefined;
  }

  /** Search goes back to the raw vectors; the heads stay stored. Returns whether one was active. */
  deactivateHeads(modelId: number): boolean {
    return this.db.prepare('UPDATE heads SET active = 0 WHERE model_id = ? AND active = 1').run(modelId).changes > 0;
  }

  failedImages(): Array<{ path: string; error: string | null }> {
    return this.db.prepare(`SELECT path, error FROM images WHERE status = 'failed' ORDER BY path`).all() as Array<{ path: string; error: string | null }>;
  }
}
