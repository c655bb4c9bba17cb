import { readFile } from 'node:fs/promises';
import { LookalikeError, errorMessage } from '../core/errors.js';
import { loadImageModel } from '../embed/model.js';
import { DEFAULT_LIMITS } from '../embed/preprocess.js';
import { MODEL_HELP, MODEL_OPTIONS, modelSpec, parse } from './args.js';
import { runtimeFor } from './context.js';

export const EMBED_HELP = `lookalike embed <image> [options]

Prints the L2-normalised activation vector of one image.

Options:
  --json      print {"model", "dims", "vector"} as JSON (default: one number per line)
  --db FILE   the converted default model is cached beside this database
${MODEL_HELP}

Exit status: 0 printed, 1 error (unreadable image, bad model), 2 bad usage.`;

export async function embedCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...MODEL_OPTIONS, json: { type: 'boolean' }, db: { type: 'string' } },
    { min: 1, max: 1, usage: 'lookalike embed <image> [--json]' });
  if (values.help) {
    process.stdout.write(`${EMBED_HELP}\n`);
    return 0;
  }
  const spec = modelSpec(values);
  const path = positionals[0]!;
  const bytes = await readFile(path).catch((err: unknown) => {
    throw new LookalikeError('NOT_FOUND', `cannot read ${path}: ${errorMessage(err)}`);
  });
  const model = await loadImageModel(spec, runtimeFor(values.db).runtime);
  try {
    const img = await model.decode(bytes, DEFAULT_LIMITS).catch((err: unknown) => {
      throw new LookalikeError('NOT_AN_IMAGE', `${path}: ${errorMessage(err)}`);
    });
    const vector = (await model.embed([img.pixels]))[0]!;
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ model: model.recipe.name, layer: model.recipe.layer, dims: vector.length, vector: Array.from(vector) })}\n`
        : `${Array.from(vector).join('\n')}\n`,
    );
    return 0;
  } finally {
    await model.close();
  }
}
