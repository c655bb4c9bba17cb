import { LookalikeError } from '../core/errors.js';
import { defaultBatchSize, loadImageModel, type ImageModel } from '../embed/model.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_FILE_BYTES } from '../embed/preprocess.js';
import { indexFolder, resolveRoot, type IndexSummary } from '../indexing/indexer.js';
import { acquireWriteLock } from '../indexing/lock.js';
import { VectorIndex } from '../search/vector-index.js';
import { Store } from '../store/store.js';
import { intOption, MODEL_HELP, MODEL_OPTIONS, modelSpec, parse } from './args.js';
import { runtimeFor } from './context.js';
import { createProgress } from './progress.js';
import { abortOnInterrupt } from './interrupt.js';

export const INDEX_HELP = `lookalike index <folder> [options]

Embeds every image under <folder> (recursively) with the CNN and stores the vectors in the
database. A rerun embeds only new and changed files and drops vanished ones; an interrupted
run (Ctrl-C, kill, crash) resumes where it stopped. The folder name above each image is its label.

Options:
  --db FILE           database (default data/lookalike.db, or $LOOKALIKE_DB)
  --batch N           images per inference batch (default 16 at 224 px, more when smaller)
  --max-pixels N      images with more pixels are refused (default ${DEFAULT_LIMITS.maxPixels})
  --max-bytes N       files larger than this are refused (default ${DEFAULT_MAX_FILE_BYTES})
  --json              print the summary as JSON on stdout
  --quiet             no progress on stderr
${MODEL_HELP}

Exit status: 0 indexed (some files may have failed: they are listed), 1 nothing could be
indexed or an error, 2 bad usage, 130 interrupted (rerun to finish).`;

export async function indexCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...MODEL_OPTIONS, db: { type: 'string' }, batch: { type: 'string' }, 'max-pixels': { type: 'string' },
    'max-bytes': { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' },
  }, { min: 1, max: 1, usage: 'lookalike index <folder> [options]' });
  if (values.help) return help(INDEX_HELP);
  const spec = modelSpec(values);
  const batchSize = intOption(values.batch, 'batch', defaultBatchSize(spec.preprocessing), 1, 1024);
  const maxPixels = intOption(values['max-pixels'], 'max-pixels', DEFAULT_LIMITS.maxPixels);
  const maxFileBytes = intOption(values['max-bytes'], 'max-bytes', DEFAULT_MAX_FILE_BYTES);
  const { dbPath, runtime } = runtimeFor(values.db);

  const root = await resolveRoot(positionals[0]!); // before anything is created on disk
  const store = Store.open(dbPath);
  let release: (() => void) | undefined;
  let model: ImageModel | undefined;
  const interrupt = abortOnInterrupt('finishing the current batch (press Ctrl-C again to stop at once)');
  try {
    release = acquireWriteLock(dbPath);
    model = await loadImageModel(spec, runtime);
    const progress = createProgress(process.stderr, { quiet: values.quiet === true });
    const summary = await indexFolder(store, model, {
      root, batchSize, maxFileBytes, limits: { maxPixels }, signal: interrupt.signal,
      onStart: (total) => progress.start(total), onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    if (!summary.interrupted && summary.indexed > 0) await VectorIndex.open(store, dbPath, { threads: runtime.threads });
    report(summary, values.json === true);
    if (summary.interrupted) return 130;
    if (summary.indexed === 0) {
      throw new LookalikeError('NOTHING_INDEXED', summary.total === 0 ? `no images found under ${root}` : 'no image could be indexed');
    }
    return 0;
  } finally {
    interrupt.dispose();
    await model?.close();
    store.close();
    release?.();
  }
}

function report(s: IndexSummary, json: boolean): void {
  if (json) {
    const { runId, interrupted, added, updated, unchanged, removed, failed, total, indexed, seconds, imagesPerSecond, failures } = s;
    process.stdout.write(`${JSON.stringify({ runId, interrupted, added, updated, unchanged, removed, failed, total, indexed, seconds, imagesPerSecond, failures }, null, 2)}\n`);
    return;
  }
  const lines = [
    `${s.interrupted ? 'Interrupted' : 'Indexed'} in ${s.seconds.toFixed(1)} s (${s.imagesPerSecond.toFixed(1)} images/s): ` +
      `${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.removed} removed, ${s.failed} failed; ${s.indexed} images searchable`,
    ...s.failures.slice(0, 20).map((f) => `  failed  ${f.path}: ${f.error}`),
  ];
  if (s.failures.length > 20) lines.push(`  … and ${s.failures.length - 20} more (--json lists them all)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function help(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
