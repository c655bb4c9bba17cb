/** The reindex process: runs one reindex off the server's event loop and reports over IPC. */
import { LookalikeError, errorMessage } from '../core/errors.js';
import type { ChildMessage, ParentMessage, ReindexRequest } from './messages.js';
import { reindex } from './reindex.js';

const send = (m: ChildMessage): Promise<void> => new Promise((resolve) => {
  if (!process.send || !process.connected) return resolve();
  process.send(m, () => resolve());
});

const abort = new AbortController();
process.on('message', (m: ParentMessage) => {
  if (m.type === 'cancel') abort.abort();
});
// The server died: every batch so far is committed, so stopping at once is safe and leaves no orphan.
process.on('disconnect', () => process.exit(1));

const request = JSON.parse(process.argv[2] ?? '{}') as ReindexRequest;
let last = 0;
reindex(request, {
  signal: abort.signal,
  onProgress: (phase, done, total, detail) => {
    // At most 20 messages a second, but every phase change and the last step of each.
    const now = performance.now();
    if (done !== 0 && done !== total && now - last < 50) return;
    last = now;
    void send({ type: 'progress', phase, done, total, ...(detail !== undefined && { detail }) });
  },
}).then(
  async (summary) => {
    await send(summary ? { type: 'done', summary } : { type: 'cancelled' });
    process.exit(0);
  },
  async (err: unknown) => {
    if (err instanceof LookalikeError && err.code === 'CANCELLED') await send({ type: 'cancelled' });
    else await send({ type: 'error', code: err instanceof LookalikeError ? err.code : 'INTERNAL', message: errorMessage(err) });
    process.exit(1);
  },
);
