import type Database from 'better-sqlite3';
import { LookalikeError } from '../core/errors.js';
import { blobToVector, vectorToBlob, type StoredVector } from './store.js';

/** One cluster of a map version, as stored. */
export interface MapCluster {
  /** Stable id: matched to the previous version's cluster of the same group. */
  id: number;
  size: number;
  /** Where its label goes on the map (the centre of its points). */
  x: number;
  y: number;
  centroid: Float32Array;
  /** Majority folder label of its images and that label's share, null where none is labelled. */
  label: string | null;
  labelShare: number | null;
  /** Image ids nearest the centroid, nearest first. */
  representatives: number[];
}

/** The points of a map version as flat arrays, row i = one image. */
export interface MapPoints {
  imageIds: Uint32Array;
  x: Float32Array;
  y: Float32Array;
  cluster: Int32Array;
}

export interface MapVersion {
  id: number;
  modelId: number;
  createdAt: string;
  finishedAt: string | null;
  config: Record<string, unknown>;
}

export interface LoadedMap extends MapVersion, MapPoints {
  clusters: MapCluster[];
}

const CURRENT_KEY = 'current_map';
/** Points go in per transaction in chunks, so a huge map never holds the write lock for long. */
const CHUNK = 20_000;

/** All SQL of map versions: begin, write, publish atomically, read. */
export class MapStore {
  constructor(readonly db: Database.Database) {}

  /** Starts a version; one left 'building' belongs to a process that died. */
  begin(modelId: number, config: Record<string, unknown>): number {
    return this.db.transaction(() => {
      this.db.prepare(`UPDATE maps SET status = 'failed', error = 'interrupted' WHERE status = 'building'`).run();
      return Number(this.db.prepare(`INSERT INTO maps (model_id, status, config) VALUES (?, 'building', ?)`)
        .run(modelId, JSON.stringify(config)).lastInsertRowid);
    }).immediate();
  }

  writePoints(mapId: number, points: MapPoints, placed = false): void {
    const n = points.imageIds.length;
    if (points.x.length !== n || points.y.length !== n || points.cluster.length !== n) {
      throw new LookalikeError('BAD_ARGUMENT', 'map points: imageIds, x, y and cluster must have the same length');
    }
    const put = this.db.prepare(
      `INSERT INTO map_points (map_id, image_id, x, y, cluster, placed) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (map_id, image_id) DO UPDATE SET x = excluded.x, y = excluded.y, cluster = excluded.cluster, placed = excluded.placed`);
    for (let start = 0; start < n; start += CHUNK) {
      this.db.transaction(() => {
        for (let i = start; i < Math.min(n, start + CHUNK); i++) {
          put.run(mapId, points.imageIds[i], points.x[i], points.y[i], points.cluster[i], placed ? 1 : 0);
        }
      })();
    }
  }

  writeClusters(mapId: number, clusters: MapCluster[]): void {
    const put = this.db.prepare(
      `INSERT INTO map_clusters (map_id, cluster, size, x, y, centroid, label, label_share, representatives)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.db.transaction(() => {
      for (const c of clusters) {
        put.run(mapId, c.id, c.size, c.x, c.y, vectorToBlob(c.centroid), c.label, c.labelShare, JSON.stringify(c.representatives));
      }
    })();
  }

  /** Makes a finished version the current one, in one transaction; older versions but the previous are dropped. */
  publish(mapId: number, config: Record<string, unknown>): void {
    this.db.transaction(() => {
      const previous = this.currentId();
      const counts = this.db.prepare(
        `SELECT (SELECT COUNT(*) FROM map_points WHERE map_id = ?) AS points, (SELECT COUNT(*) FROM map_clusters WHERE map_id = ?) AS clusters`,
      ).get(mapId, mapId) as { points: number; clusters: number };
      const info = this.db.prepare(
        `UPDATE maps SET status = 'done', points = ?, clusters = ?, config = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ? AND status = 'building'`,
      ).run(counts.points, counts.clusters, JSON.stringify(config), mapId);
      if (info.changes !== 1) throw new LookalikeError('BAD_ARGUMENT', `map ${mapId} is not being built`);
      this.db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
        .run(CURRENT_KEY, String(mapId));
      this.db.prepare('DELETE FROM maps WHERE id NOT IN (?, ?)').run(mapId, previous ?? mapId);
    }).immediate();
  }

  fail(mapId: number, error: string): void {
    this.db.prepare(`UPDATE maps SET status = 'failed', error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND status = 'building'`)
      .run(error, mapId);
  }

  currentId(): number | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(CURRENT_KEY) as { value: string } | undefined;
    return row ? Number(row.value) : undefined;
  }

  version(mapId: number): MapVersion | undefined {
    const row = this.db.prepare(
      'SELECT id, model_id AS modelId, created_at AS createdAt, finished_at AS finishedAt, config FROM maps WHERE id = ?',
    ).get(mapId) as (Omit<MapVersion, 'config'> & { config: string }) | undefined;
    return row && { ...row, config: JSON.parse(row.config) as Record<string, unknown> };
  }

  /** A whole version, points in image-id order. */
  load(mapId: number): LoadedMap {
    const version = this.version(mapId);
    if (!version) throw new LookalikeError('NOT_FOUND', `map ${mapId} does not exist`);
    const n = (this.db.prepare('SELECT COUNT(*) AS n FROM map_points WHERE map_id = ?').get(mapId) as { n: number }).n;
    const points: MapPoints = { imageIds: new Uint32Array(n), x: new Float32Array(n), y: new Float32Array(n), cluster: new Int32Array(n) };
    let i = 0;
    const rows = this.db.prepare('SELECT image_id, x, y, cluster FROM map_points WHERE map_id = ? ORDER BY image_id').raw().iterate(mapId);
    for (const [id, x, y, c] of rows as IterableIterator<[number, number, number, number]>) {
      points.imageIds[i] = id;
      points.x[i] = x;
      points.y[i] = y;
      points.cluster[i] = c;
      i++;
    }
    const clusters = (this.db.prepare(
      `SELECT cluster AS id, size, x, y, centroid, label, label_share AS labelShare, representatives
       FROM map_clusters WHERE map_id = ? ORDER BY cluster`,
    ).all(mapId) as Array<Omit<MapCluster, 'centroid' | 'representatives'> & { centroid: Buffer; representatives: string }>)
      .map((c) => ({ ...c, centroid: blobToVector(c.centroid), representatives: JSON.parse(c.representatives) as number[] }));
    return { ...version, ...points, clusters };
  }

  /** Vectors of a model whose images have no point in a map version (indexed after it was built), in image-id order. */
  unmappedVectors(mapId: number, modelId: number): StoredVector[] {
    const rows = this.db.prepare(
      `SELECT e.image_id AS imageId, e.vector FROM embeddings e
       WHERE e.model_id = ? AND NOT EXISTS (SELECT 1 FROM map_points p WHERE p.map_id = ? AND p.image_id = e.image_id)
       ORDER BY e.image_id`,
    ).all(modelId, mapId) as Array<{ imageId: number; vector: Buffer }>;
    return rows.map((r) => ({ imageId: r.imageId, vector: blobToVector(r.vector) }));
  }

  /** The current version, or undefined before the first map is built. */
  loadCurrent(): LoadedMap | undefined {
    const id = this.currentId();
    return id === undefined ? undefined : this.load(id);
  }
}
