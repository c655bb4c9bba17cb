import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { LookalikeError, isErrorCode } from '../core/errors.js';
import type { MapPositions, PlacedNeighbour } from '../mapping/place.js';
import type { SearchReady, SearchReply, SearchRequest, SearchWorkerData } from './search-worker.js';
import type { Neighbour } from './vector-index.js';

function workerUrl(): URL {
  const here = new URL('./search-worker.js', import.meta.url);
  return existsSync(here) ? here : new URL('../../dist/search/search-worker.js', import.meta.url);
}

interface Slot {
  worker: Worker;
  pending: Map<number, (reply: SearchReply) => void>;
}

/**
 * Nearest-neighbour searches on worker threads, each with its own view of the same persisted
 * graph: a 1,632-d HNSW query takes about a millisecond of CPU, which on the event loop would
 * cap the server at one core. One pool serves one index version; a reindex opens a new pool.
 */
export class SearchPool {
  private nextId = 0;
  private closed = false;

  private constructor(private readonly slots: Slot[], readonly size: number, readonly kind: 'exact' | 'hnsw') {
    for (const slot of slots) {
      slot.worker.on('message', (reply: SearchReply) => {
        const done = slot.pending.get(reply.id);
        slot.pending.delete(reply.id);
        done?.(reply);
      });
      const failAll = (message: string): void => {
        for (const done of slot.pending.values()) done({ id: -1, error: message, code: 'INTERNAL' });
        slot.pending.clear();
      };
      slot.worker.on('error', (err) => failAll(`search worker failed: ${err.message}`));
      slot.worker.on('exit', (code) => failAll(`search worker exited with code ${code}`));
    }
  }

  /**
   * Starts the workers on the database's current (fresh) graph, which the caller has built,
   * and with the map positions that uploads are placed against.
   */
  static async open(dbPath: string, threads: number, map: MapPositions | null): Promise<SearchPool> {
    const url = workerUrl();
    const shared = map && { x: sharedCopy(map.x), y: sharedCopy(map.y) };
    const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(url, { workerData: { dbPath, map: shared } satisfies SearchWorkerData }));
    try {
      const ready = await Promise.all(workers.map((w) => new Promise<SearchReady>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      })));
      const failed = ready.find((r) => !r.ready);
      if (failed && !failed.ready) throw new LookalikeError(isErrorCode(failed.code) ? failed.code : 'INTERNAL', failed.error);
      const first = ready[0] as Extract<SearchReady, { ready: true }>;
      // Each worker opened the graph on its own: a reindex between two opens would show here.
      if (ready.some((r) => r.ready && (r.size !== first.size || r.kind !== first.kind))) {
        throw new LookalikeError('BUSY', 'the index changed while the search threads opened it; try again');
      }
      return new SearchPool(workers.map((worker) => ({ worker, pending: new Map() })), first.size, first.kind);
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
  }

  /** The k nearest of an indexed image's stored vector (undefined: it has none) or of a vector. */
  async search(query: { imageId: number } | { vector: Float32Array }, k: number, modelId: number): Promise<Neighbour[] | undefined> {
    const reply = await this.request({ id: this.nextId++, k, modelId, ...query });
    if ('missing' in reply) return undefined;
    if (!('imageIds' in reply)) throw new LookalikeError('INTERNAL', 'search thread sent no hits');
    return reply.imageIds.map((imageId, i) => ({ imageId, score: reply.scores[i]! }));
  }

  /** Where a query falls on the map this pool was opened with (placeFromNeighbours). */
  async place(neighbours: PlacedNeighbour[]): Promise<{ x: number; y: number }> {
    const reply = await this.request({ id: this.nextId++, place: neighbours });
    if (!('x' in reply)) throw new LookalikeError('INTERNAL', 'search thread sent no position');
    return { x: reply.x, y: reply.y };
  }

  private async request(req: SearchRequest): Promise<SearchReply> {
    if (this.closed) throw new LookalikeError('INTERNAL', 'search on a closed index');
    const slot = this.slots.reduce((a, b) => (a.pending.size <= b.pending.size ? a : b));
    const reply = await new Promise<SearchReply>((resolve) => {
      slot.pending.set(req.id, resolve);
      slot.worker.postMessage(req);
    });
    if ('error' in reply) throw new LookalikeError(isErrorCode(reply.code) ? reply.code : 'INTERNAL', reply.error);
    return reply;
  }

  /**
   * Stops the workers once the searches in flight have answered. graceMs: how long requests
   * that took this pool just before it was replaced still get answers from it.
   */
  async close(graceMs = 0): Promise<void> {
    if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
    while (this.slots.some((s) => s.pending.size > 0)) await new Promise((resolve) => setTimeout(resolve, 10));
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function sharedCopy(a: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}
