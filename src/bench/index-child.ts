/**
 * Child process of the index benchmark: indexes a folder as `lookalike index` does, into a
 * fresh database, and prints one JSON line. A process of its own so its peak RSS is ours alone.
 *
 *   node dist/bench/index-child.js --root DIR --size PX --batch N --cache-dir DIR
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LookalikeError } from '../core/errors.js';
import { FEATURE_SPEC, loadImageModel } from '../embed/model.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_FILE_BYTES } from '../embed/preprocess.js';
import { indexFolder } from '../indexing/indexer.js';
import { Store } from '../store/store.js';
import type { ChildResult } from './index-bench.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { root: { type: 'string' }, size: { type: 'string' }, batch: { type: 'string' }, 'cache-dir': { type: 'string' } },
    strict: true,
  });
  const { root, size, batch, 'cache-dir': cacheDir } = values;
  if (!root || !size || !batch || !cacheDir) throw new LookalikeError('BAD_ARGUMENT', 'usage: index-child --root DIR --size PX --batch N --cache-dir DIR');

  const tmp = await mkdtemp(join(tmpdir(), 'lookalike-bench-'));
  const store = Store.open(join(tmp, 'bench.db'));
  try {
    const loadStart = performance.now();
    const spec = { ...FEATURE_SPEC, preprocessing: { ...FEATURE_SPEC.preprocessing, inputSize: Number(size) } };
    const model = await loadImageModel(spec, { cacheDir, threads: cpus().length, executionProvider: 'cpu' });
    const loadSeconds = (performance.now() - loadStart) / 1000;
    try {
      const summary = await indexFolder(store, model, { root, batchSize: Number(batch), maxFileBytes: DEFAULT_MAX_FILE_BYTES, limits: DEFAULT_LIMITS });
      // A benchmark that silently skipped images would overstate the speed.
      if (summary.failed > 0) throw new LookalikeError('NOT_AN_IMAGE', `${summary.failed} images failed, e.g. ${summary.failures[0]?.path}: ${summary.failures[0]?.error}`);
      const images = summary.added + summary.updated;
      const result: ChildResult = { images, seconds: summary.seconds, loadSeconds, imagesPerSecond: images / summary.seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await model.close();
    }
  } finally {
    store.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`index-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
