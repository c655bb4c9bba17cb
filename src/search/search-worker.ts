/** A search thread: its own read-only connection and its own view of the persisted graph. */
import { parentPort, workerData } from 'node:worker_threads';
import { LookalikeError, errorMessage } from '../core/errors.js';
import { placeFromNeighbours, type MapPositions, type PlacedNeighbour } from '../mapping/place.js';
import { openDatabase, Store } from '../store/store.js';
import { VectorIndex } from './vector-index.js';

export interface SearchWorkerData {
  dbPath: string;
  /** The current map's positions, on SharedArrayBuffers: one copy for every thread. */
  map: MapPositions | null;
}

export type SearchRequest =
  | ({ id: number; k: number; modelId: number } & ({ imageId: number } | { vector: Float32Array }))
  | { id: number; place: PlacedNeighbour[] };

export type SearchReply =
  | { id: number; imageIds: number[]; scores: number[] }
  | { id: number; x: number; y: number }
  | { id: number; missing: true }
  | { id: number; error: string; code: string };

export type SearchReady = { ready: true; size: number; kind: 'exact' | 'hnsw' } | { ready: false; error: string; code: string };

const { dbPath, map } = workerData as SearchWorkerData;
const port = parentPort!;
const store = new Store(openDatabase(dbPath, { readonly: true }));
const codeOf = (err: unknown): string => (err instanceof LookalikeError ? err.code : 'INTERNAL');

VectorIndex.open(store, dbPath, { view: true }).then(
  (index) => {
    port.postMessage({ ready: true, size: index.size, kind: index.kind } satisfies SearchReady);
    port.on('message', (req: SearchRequest | 'close') => {
      if (req === 'close') {
        store.close();
        port.close();
        return;
      }
      try {
        if ('place' in req) {
          // Against the whole map: milliseconds at 50,000 points, kept off the event loop.
          port.postMessage({ id: req.id, ...placeFromNeighbours(req.place, map ?? undefined) } satisfies SearchReply);
          return;
        }
        const vector = 'vector' in req ? req.vector : store.vectorOf(req.imageId, req.modelId);
        if (!vector) {
          port.postMessage({ id: req.id, missing: true } satisfies SearchReply);
          return;
        }
        const hits = index.search(vector, req.k);
        port.postMessage({ id: req.id, imageIds: hits.map((h) => h.imageId), scores: hits.map((h) => h.score) } satisfies SearchReply);
      } catch (err) {
        port.postMessage({ id: req.id, error: errorMessage(err), code: codeOf(err) } satisfies SearchReply);
      }
    });
  },
  (err: unknown) => {
    port.postMessage({ ready: false, error: errorMessage(err), code: codeOf(err) } satisfies SearchReady);
  },
);
