import { LookalikeError } from '../core/errors.js';
import { headConfig, headParams, outputDims } from '../learning/head.js';
import { learnHead } from '../learning/learn.js';
import { VectorIndex } from '../search/vector-index.js';
import { intOption, parse } from './args.js';
import { openExistingStore, runtimeFor } from './context.js';

export const LEARN_HELP = `lookalike learn [options]

Learns a projection head from the folder labels of the indexed images (a linear discriminant
or a one-hidden-layer MLP, whichever scores better on a held-out fifth) and makes search use
it: images of one label move together. The raw vectors stay; unlabelled images go through the same head.

Options:
  --off        search the raw vectors again (the learned head stays stored)
  --seed N     seed of the held-out split (default 1)
  --db FILE    database (default data/lookalike.db, or $LOOKALIKE_DB)
  --json       print the result as JSON
  --quiet      no progress on stderr

Exit status: 0 learned (or switched off), 1 error (e.g. fewer than two labels), 2 bad usage.`;

export async function learnCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    off: { type: 'boolean' }, seed: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' },
  }, { min: 0, max: 0, usage: 'lookalike learn [--off] [--db FILE]' });
  if (values.help) {
    process.stdout.write(`${LEARN_HELP}\n`);
    return 0;
  }
  const seed = intOption(values.seed, 'seed', 1, 0);
  const { dbPath, runtime } = runtimeFor(values.db);
  const store = openExistingStore(dbPath);
  try {
    const serving = store.servingModel();
    if (!serving) throw new LookalikeError('NOTHING_INDEXED', 'nothing is indexed yet: run `lookalike index <folder>` first');
    if (values.off) {
      const was = store.deactivateHeads(serving.id);
      await VectorIndex.open(store, dbPath, { threads: runtime.threads });
      process.stdout.write(values.json ? `${JSON.stringify({ active: false, changed: was })}\n` : `${was ? 'search uses the raw vectors again' : 'no learned head was active'}\n`);
      return 0;
    }
    const items = store.labelledVectors(serving.id);
    const quiet = values.quiet === true;
    const result = await learnHead(items, {
      seed, threads: runtime.threads, onStage: (m) => quiet || process.stderr.write(`${m}\n`),
    });
    const { head, validation: v } = result;
    const id = store.saveHead(serving.id, {
      kind: head.kind, dims: outputDims(head), params: headParams(head),
      config: { ...headConfig(head), labels: result.labels, skippedLabels: result.skippedLabels, trainedOn: result.trainedOn, validation: v },
    });
    await VectorIndex.open(store, dbPath, { threads: runtime.threads });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ active: true, headId: id, kind: head.kind, dims: outputDims(head), labels: result.labels, skippedLabels: result.skippedLabels, trainedOn: result.trainedOn, validation: v }, null, 2)}\n`);
    } else {
      const lines = [
        `learned a ${head.kind.toUpperCase()} head on ${result.trainedOn} vectors of ${result.labels.length} labels (${outputDims(head)}-d)`,
        `held-out precision@10: ${v.rawPrecisionAt10.toFixed(3)} raw → ${v.headPrecisionAt10.toFixed(3)} with the head (${v.queries} queries; ${v.shrinkage === null ? '' : `shrinkage ${v.shrinkage}, `}raw weight ${v.rawWeight})`,
        'search uses it now; `lookalike learn --off` goes back to the raw vectors',
      ];
      if (result.skippedLabels.length > 0) lines.push(`left out, one image each: ${result.skippedLabels.join(', ')}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}
