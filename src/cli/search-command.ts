import { join } from 'node:path';
import { LookalikeError } from '../core/errors.js';
import { embedImage, loadImageModel, readImageFile, specFromRecipe } from '../embed/model.js';
import { DEFAULT_LIMITS } from '../embed/preprocess.js';
import { VectorIndex } from '../search/vector-index.js';
import { intOption, parse } from './args.js';
import { openExistingStore, runtimeFor } from './context.js';

export const SEARCH_HELP = `lookalike search <image> [options]

Embeds <image> the way the index was built and prints the most similar indexed images,
most similar first, with their cosine similarity (1 = same direction).

Options:
  --k N        how many results (default 10)
  --db FILE    database (default data/lookalike.db, or $LOOKALIKE_DB)
  --json       print results as JSON

Exit status: 0 results printed, 1 error (no index, unreadable image), 2 bad usage.`;

export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { k: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } },
    { min: 1, max: 1, usage: 'lookalike search <image> [--k 10] [--json]' });
  if (values.help) {
    process.stdout.write(`${SEARCH_HELP}\n`);
    return 0;
  }
  const k = intOption(values.k, 'k', 10, 1, 10_000);
  const queryPath = positionals[0]!;
  const { dbPath, runtime } = runtimeFor(values.db);
  const bytes = await readImageFile(queryPath);
  const store = openExistingStore(dbPath);
  try {
    const serving = store.servingModel();
    if (!serving) throw new LookalikeError('NOTHING_INDEXED', 'nothing is indexed yet: run `lookalike index <folder>` first');
    const model = await loadImageModel(specFromRecipe(serving), { ...runtime, inProcess: true });
    let query: Float32Array;
    try {
      if (model.recipe.fingerprint !== serving.fingerprint) {
        throw new LookalikeError('BAD_MODEL', `the model ${serving.name} changed since the index was built: run \`lookalike index\` again`);
      }
      query = await embedImage(model, bytes, queryPath, DEFAULT_LIMITS);
    } finally {
      await model.close();
    }
    const index = await VectorIndex.open(store, dbPath, { threads: runtime.threads });
    const hits = index.search(query, k);
    const info = store.imagesByIds(hits.map((h) => h.imageId));
    const root = store.getMeta('root') ?? '';
    const results = hits.map((h) => {
      const img = info.get(h.imageId);
      return { path: img?.path ?? '', absPath: img ? join(root, img.path) : '', label: img?.label ?? null, score: h.score };
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ query: queryPath, root, index: index.kind, head: index.head?.kind ?? null, results }, null, 2)}\n`);
    } else {
      for (const r of results) process.stdout.write(`${r.score.toFixed(4)}  ${(r.label ?? '-').padEnd(12)}  ${r.absPath}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}
