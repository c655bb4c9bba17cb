import { embedImage, loadImageModel, readImageFile } from '../embed/model.js';
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
  const bytes = await readImageFile(path);
  const model = await loadImageModel(spec, { ...runtimeFor(values.db).runtime, inProcess: true });
  try {
    const vector = await embedImage(model, bytes, path, DEFAULT_LIMITS);
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
