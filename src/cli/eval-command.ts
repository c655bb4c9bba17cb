import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LookalikeError } from '../core/errors.js';
import { defaultBatchSize, loadImageModel, type ImageModel } from '../embed/model.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_FILE_BYTES } from '../embed/preprocess.js';
import { checkLabels, evaluate, type Evaluation, type LabelledVector } from '../evaluation/evaluate.js';
import { splitBySeed } from '../evaluation/split.js';
import { learnHead, project } from '../learning/learn.js';
import { indexFolder, resolveRoot } from '../indexing/indexer.js';
import { Store } from '../store/store.js';
import { intOption, MODEL_HELP, MODEL_OPTIONS, modelSpec, parse } from './args.js';
import { runtimeFor } from './context.js';
import { createProgress } from './progress.js';

export const EVAL_HELP = `lookalike eval <labelled folder> [--queries N] [options]
lookalike eval --gallery <folder> --queries <folder> [options]

Measures retrieval quality with the current settings. Images are labelled by the folder they
sit in. The first form picks N queries by a seeded shuffle (default: 10 % of the images) and
searches them among the rest; the second searches one folder's images among another's.
Prints precision@1 and @10, mAP@10, 1-NN and 10-NN vote accuracy, and ms/image to embed.

Options:
  --seed N     seed of the split (default 1)
  --db FILE    keep the index of <labelled folder> here, so a rerun embeds only what changed
               (default: a temporary database, deleted afterwards)
  --learn      also fit a learned head on the gallery's labels and report both
  --json       print the results as JSON
  --quiet      no progress on stderr
${MODEL_HELP}

Exit status: 0 measured, 1 error (e.g. fewer than two labels), 2 bad usage.`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...MODEL_OPTIONS, queries: { type: 'string' }, gallery: { type: 'string' }, seed: { type: 'string' },
    db: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, learn: { type: 'boolean' },
  }, { min: 0, max: 1, usage: 'lookalike eval <labelled folder> [--queries N] | lookalike eval --gallery DIR --queries DIR' });
  if (values.help) {
    process.stdout.write(`${EVAL_HELP}\n`);
    return 0;
  }
  const twoFolders = values.gallery !== undefined;
  if (twoFolders === (positionals.length === 1)) {
    throw new LookalikeError('BAD_ARGUMENT', 'give either one labelled folder, or --gallery DIR with --queries DIR');
  }
  if (twoFolders && (values.queries === undefined || values.db !== undefined)) {
    throw new LookalikeError('BAD_ARGUMENT', '--gallery needs --queries DIR (a folder), and takes no --db');
  }
  const spec = modelSpec(values);
  const seed = intOption(values.seed, 'seed', 1, 0);
  const { runtime } = runtimeFor(undefined);
  const quiet = values.quiet === true;

  const roots = twoFolders ? [String(values.gallery), String(values.queries)] : [positionals[0]!];
  const resolved = await Promise.all(roots.map((r) => resolveRoot(r)));
  const temp = mkdtempSync(join(tmpdir(), 'lookalike-eval-'));
  let model: ImageModel | undefined;
  try {
    model = await loadImageModel(spec, runtime);
    const sets: LabelledVector[][] = [];
    let embedded = 0;
    let seconds = 0;
    for (const [i, root] of resolved.entries()) {
      const db = !twoFolders && values.db !== undefined ? String(values.db) : join(temp, `${i}.db`);
      const store = Store.open(db);
      try {
        const progress = createProgress(process.stderr, { quiet });
        const s = await indexFolder(store, model, {
          root, batchSize: defaultBatchSize(spec.preprocessing), maxFileBytes: DEFAULT_MAX_FILE_BYTES, limits: DEFAULT_LIMITS,
          onStart: (total) => progress.start(total), onProgress: (done, total) => progress.update(done, total),
        });
        progress.finish();
        embedded += s.added + s.updated;
        seconds += s.seconds;
        sets.push(store.labelledVectors(store.ensureModel(model.recipe)));
      } finally {
        store.close();
      }
    }

    let gallery: LabelledVector[];
    let queries: LabelledVector[];
    if (twoFolders) {
      [gallery, queries] = sets as [LabelledVector[], LabelledVector[]];
      checkLabels(gallery, roots[0]!);
      if (queries.length === 0) throw new LookalikeError('BAD_LABELS', `no labelled images in ${roots[1]}`);
    } else {
      const all = sets[0]!;
      checkLabels(all, roots[0]!);
      const count = intOption(values.queries, 'queries', Math.max(1, Math.round(all.length / 10)), 1, all.length - 1);
      ({ gallery, queries } = splitBySeed(all, (x) => x.path, count, seed));
    }
    const result = evaluate(gallery, queries);
    // The head learns from the gallery alone: the queries stay unseen.
    const learned = values.learn
      ? await learnHead(gallery, { seed, threads: runtime.threads, onStage: (m) => quiet || process.stderr.write(`${m}\n`) })
      : undefined;
    const withHead = learned && evaluate(await project(learned.head, gallery, runtime.threads), await project(learned.head, queries, runtime.threads));
    const msPerImage = embedded > 0 ? (1000 * seconds) / embedded : null;
    report(result, withHead, msPerImage, model.recipe.name, spec.preprocessing.inputSize, values.json === true);
    return 0;
  } finally {
    await model?.close();
    rmSync(temp, { recursive: true, force: true });
  }
}

function report(r: Evaluation, h: Evaluation | undefined, msPerImage: number | null, modelName: string, inputSize: number, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ model: modelName, inputSize, ...r, msPerImage, ...(h && { withHead: h }) }, null, 2)}\n`);
    return;
  }
  const f = (x: number): string => x.toFixed(3).padStart(7);
  const row = (name: string, key: keyof Evaluation): string => `${name.padEnd(14)}${f(r[key])}${h ? `  ${f(h[key])}` : ''}`;
  const lines = [
    `${r.queries} queries against ${r.gallery} gallery images, ${r.labels} labels (${modelName}, ${inputSize} px)`,
    ...(h ? [`${''.padEnd(14)}    raw  learned head (fitted on the gallery only)`] : []),
    row('precision@1', 'precisionAt1'),
    row('precision@10', 'precisionAt10'),
    row('mAP@10', 'mapAt10'),
    row('1-NN accuracy', 'knn1Accuracy'),
    row('10-NN vote', 'knn10Accuracy'),
    `ms/image      ${msPerImage === null ? 'n/a (nothing embedded: all unchanged)' : msPerImage.toFixed(2)}`,
  ];
  if (r.orphanQueries > 0) lines.push(`warning: ${r.orphanQueries} queries have no image of their label in the gallery`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
