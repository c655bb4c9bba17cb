/**
 * Worker-thread side of EmbedPool: one onnxruntime session per thread, because a session's
 * run() blocks the thread it is called on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import { Embedder, type EmbedderOptions } from './embedder.js';

export interface EmbedRequest {
  id: number;
  /** count × size × size × 3 RGB bytes. */
  pixels: Uint8Array;
  count: number;
}

export type EmbedReply = { id: number; vectors: Float32Array; dims: number } | { id: number; error: string; code?: string };

const port = parentPort!;
const ready = Embedder.create(workerData as EmbedderOptions);
ready.catch(() => undefined); // reported with the first request

port.on('message', (req: EmbedRequest | 'close') => {
  void (async () => {
    if (req === 'close') {
      await (await ready).close();
      port.close();
      return;
    }
    try {
      const embedder = await ready;
      const per = req.pixels.length / req.count;
      const images = Array.from({ length: req.count }, (_, i) => Buffer.from(req.pixels.buffer, req.pixels.byteOffset + i * per, per));
      const vectors = await embedder.embed(images);
      const dims = vectors[0]!.length;
      const flat = new Float32Array(req.count * dims);
      vectors.forEach((v, i) => flat.set(v, i * dims));
      port.postMessage({ id: req.id, vectors: flat, dims } satisfies EmbedReply, [flat.buffer]);
    } catch (err) {
      port.postMessage({ id: req.id, error: errorMessage(err), code: (err as { code?: string }).code } satisfies EmbedReply);
    }
  })();
});
