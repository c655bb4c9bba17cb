import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { LookalikeError, type ErrorCode } from '../core/errors.js';
import type { EmbedderOptions } from './embedder.js';
import type { EmbedReply, EmbedRequest } from './embed-worker.js';

/**
 * The compiled worker beside this file; when the TypeScript sources run directly (tests),
 * the build that `npm test` makes first, since a worker cannot start from a .ts file.
 */
function workerUrl(): URL {
  const here = new URL('./embed-worker.js', import.meta.url);
  return existsSync(here) ? here : new URL('../../dist/embed/embed-worker.js', import.meta.url);
}

/**
 * Runs inference on worker threads, one single-threaded session each: on 2 cores two
 * sessions embed about 20 % more images/s than one session with two threads, and the main
 * thread stays free to read and decode the next batch meanwhile.
 */
export class EmbedPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: EmbedReply) => void; reject: (e: Error) => void }>();

  private readonly load = new Map<Worker, number>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      this.load.set(w, 0);
      w.on('message', (reply: EmbedReply) => {
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        p?.resolve(reply);
      });
      w.on('error', (err) => this.failAll(err));
      w.on('exit', (code) => {
        if (this.pending.size > 0) this.failAll(new Error(`inference worker exited with code ${code}`));
      });
    }
  }

  static create(opts: Omit<EmbedderOptions, 'threads'>, sessions: number): EmbedPool {
    const url = workerUrl();
    return new EmbedPool(Array.from({ length: sessions }, () => new Worker(url, { workerData: { ...opts, threads: 1 } })));
  }

  /** Sessions that can run at once: callers keep this many batches in flight. */
  get parallelism(): number {
    return this.workers.length;
  }

  /** Embeds a batch on the least busy session; vectors come back in input order. */
  async embed(images: Buffer[]): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const worker = this.workers.reduce((a, b) => (this.load.get(a)! <= this.load.get(b)! ? a : b));
    this.load.set(worker, this.load.get(worker)! + 1);
    try {
      return await this.request(worker, images);
    } finally {
      this.load.set(worker, this.load.get(worker)! - 1);
    }
  }

  private request(worker: Worker, images: Buffer[]): Promise<Float32Array[]> {
    const id = this.nextId++;
    const size = images[0]!.length;
    const pixels = new Uint8Array(images.length * size);
    images.forEach((img, i) => {
      if (img.length !== size) throw new LookalikeError('BAD_ARGUMENT', `image ${i} has ${img.length} bytes, expected ${size}`);
      pixels.set(img, i * size);
    });
    return new Promise<EmbedReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, pixels, count: images.length } satisfies EmbedRequest, [pixels.buffer]);
    }).then((reply) => {
      if ('error' in reply) throw new LookalikeError((reply.code as ErrorCode | undefined) ?? 'BAD_MODEL', reply.error);
      return Array.from({ length: images.length }, (_, i) => reply.vectors.subarray(i * reply.dims, (i + 1) * reply.dims));
    });
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(new LookalikeError('BAD_MODEL', `inference failed: ${err.message}`, { cause: err }));
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.postMessage('close');
    })));
  }
}
