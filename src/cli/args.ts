import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LookalikeError } from '../core/errors.js';
import type { Preprocessing } from '../core/types.js';
import { DEFAULT_SPEC, FEATURE_SPEC, type ModelSpec } from '../embed/model.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses argv strictly: an unknown flag or a missing value is a usage error, not a guess. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: Options, positionals: { min: number; max: number; usage: string }): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw new LookalikeError('BAD_ARGUMENT', (err as Error).message);
  }
  const n = parsed.positionals.length;
  if (!parsed.values.help && (n < positionals.min || n > positionals.max)) {
    throw new LookalikeError('BAD_ARGUMENT', `usage: ${positionals.usage}`);
  }
  return parsed;
}

export function intOption(value: unknown, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LookalikeError('BAD_ARGUMENT', `--${name} must be an integer from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}

export function numberOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new LookalikeError('BAD_ARGUMENT', `--${name} must be a number from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}

function triple(value: unknown, name: string, fallback: [number, number, number]): [number, number, number] {
  if (value === undefined) return fallback;
  const parts = String(value).split(',').map(Number);
  if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x))) {
    throw new LookalikeError('BAD_ARGUMENT', `--${name} takes three comma-separated numbers, got "${String(value)}"`);
  }
  return parts as [number, number, number];
}

export const MODEL_OPTIONS: Options = {
  model: { type: 'string' },
  output: { type: 'string' },
  'input-size': { type: 'string' },
  layout: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  recipe: { type: 'string' },
  flip: { type: 'string' },
  power: { type: 'string' },
};

export const MODEL_HELP = `Model options (index, embed):
  --model FILE.onnx   an ONNX image model instead of the default MobileNetV2
  --recipe NAME       default model settings to start from: blocks (default: blocks 12 and 13
                      of MobileNetV2, power, flip, 128 px) or feature (the final 1792-d
                      feature vector at 224 px); the options below override them
  --output A,B        outputs pooled and concatenated into the vector: default model
                      graph nodes (or their name endings, e.g. expanded_conv_12/expand/Relu6),
                      or an ONNX file's [batch, dims] outputs (default: its first)
  --power yes|no      signed square root of each block before normalising it
  --flip yes|no       average with the mirrored image's vector (twice the inference)
  --input-size PX     square input size (ONNX file default 224)
  --layout NHWC|NCHW  input tensor layout (default NHWC)
  --mean R,G,B        subtracted from pixel/255 (default 0,0,0)
  --std R,G,B         divides the result (default 1,1,1)`;

function yesNo(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'yes' || value === 'no') return value === 'yes';
  throw new LookalikeError('BAD_ARGUMENT', `--${name} takes yes or no, got "${String(value)}"`);
}

const RECIPES: Record<string, ModelSpec> = { blocks: DEFAULT_SPEC, feature: FEATURE_SPEC };

/** One of `allowed`, or undefined when the option is absent. */
export function choice<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new LookalikeError('BAD_ARGUMENT', `--${name} must be one of ${allowed.join(', ')}, got "${String(value)}"`);
  return value as T;
}

export function modelSpec(values: Record<string, unknown>): ModelSpec {
  const isCustom = values.model !== undefined;
  const recipeName = (values.recipe as string | undefined) ?? 'blocks';
  const recipe = RECIPES[recipeName];
  if (!recipe || !Object.hasOwn(RECIPES, recipeName)) throw new LookalikeError('BAD_ARGUMENT', `--recipe must be blocks or feature, got "${recipeName}"`);
  if (isCustom && values.recipe !== undefined) throw new LookalikeError('BAD_ARGUMENT', '--recipe applies to the default model, not to --model');
  const base = isCustom ? FEATURE_SPEC : recipe;
  const d = base.preprocessing;
  const layout = (values.layout as string | undefined) ?? d.layout;
  if (layout !== 'NHWC' && layout !== 'NCHW') throw new LookalikeError('BAD_ARGUMENT', `--layout must be NHWC or NCHW, got "${layout}"`);
  const preprocessing: Preprocessing = {
    inputSize: intOption(values['input-size'], 'input-size', d.inputSize, 16, 2048),
    layout,
    mean: triple(values.mean, 'mean', d.mean),
    std: triple(values.std, 'std', d.std),
    flip: yesNo(values.flip, 'flip', d.flip),
    power: yesNo(values.power, 'power', d.power),
  };
  if (preprocessing.std.some((s) => s === 0)) throw new LookalikeError('BAD_ARGUMENT', '--std must not contain 0');
  const outputs = values.output === undefined ? undefined : String(values.output).split(',').map((o) => o.trim()).filter(Boolean);
  if (outputs?.length === 0) throw new LookalikeError('BAD_ARGUMENT', '--output names no output');
  const chosen = outputs ?? (isCustom ? undefined : base.outputs);
  return { source: isCustom ? String(values.model) : 'default', ...(chosen && { outputs: chosen }), preprocessing };
}
