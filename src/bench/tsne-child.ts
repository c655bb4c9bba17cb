/**
 * Child process of the t-SNE benchmark: one `tsne()` run as a user's program makes it, so
 * its peak RSS is ours alone. Prints one JSON line.
 *
 *   node dist/bench/tsne-child.js --input X.npy --output Y.npy [--threads N]
 */
import { parseArgs } from 'node:util';
import { LookalikeError } from '../core/errors.js';
import { tsneRun } from '../mapping/tsne.js';
import { readMatrix, writeNpy } from '../npy/npy.js';

export interface TsneChildResult {
  seconds: { load: number; pca: number; knn: number; affinities: number; optimize: number; total: number };
  knnMethod: string;
  device: string;
  iterations: number;
  kl: number;
  peakRssMB: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { input: { type: 'string' }, output: { type: 'string' }, threads: { type: 'string' } }, strict: true });
  if (!values.input || !values.output) throw new LookalikeError('BAD_ARGUMENT', 'usage: tsne-child --input X.npy --output Y.npy [--threads N]');
  const start = performance.now();
  const X = readMatrix(values.input);
  const load = (performance.now() - start) / 1000;
  const result = await tsneRun(X.data, { dims: X.cols, threads: Number(values.threads ?? 0), transfer: true });
  const total = (performance.now() - start) / 1000 - load;
  writeNpy(values.output, result.embedding, [X.rows, 2]);
  const out: TsneChildResult = {
    seconds: { load, ...result.seconds, total },
    knnMethod: result.knnMethod,
    device: result.device,
    iterations: result.iterations,
    kl: result.klDivergence,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`tsne-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
