/** `npm run bench -- <benchmark> [options]`: benchmarks that answer the issues' targets. */
import { LookalikeError, errorMessage } from '../core/errors.js';
import { INDEX_BENCH_HELP, indexBench } from './index-bench.js';
import { TSNE_BENCH_HELP, tsneBench } from './tsne-bench.js';
import { KMEANS_BENCH_HELP, kmeansBench } from './kmeans-bench.js';
import { SERVE_BENCH_HELP, serveBench } from './serve-bench.js';
import { PLACE_BENCH_HELP, placeBench } from './place-bench.js';

const USAGE = `usage: npm run bench -- <benchmark> [options]

Benchmarks:
  index   indexing throughput and peak memory: lookalike index vs TF.js-wasm on the same graph
  tsne    t-SNE time, quality and peak memory: tsne() vs scikit-learn's TSNE on the same vectors
  kmeans  k-means time and quality: ours vs scikit-learn's KMeans, full vectors and PCA
  serve   server throughput, latency and peak memory: similar-by-id and upload search (autocannon)
  place   placing vectors on a built map: neighbour average vs an openTSNE-style transform

${INDEX_BENCH_HELP}

${TSNE_BENCH_HELP}

${KMEANS_BENCH_HELP}

${SERVE_BENCH_HELP}

${PLACE_BENCH_HELP}`;

const BENCHMARKS = new Map<string, (argv: string[]) => Promise<void>>([
  ['index', indexBench],
  ['tsne', tsneBench],
  ['kmeans', kmeansBench],
  ['serve', serveBench],
  ['place', placeBench],
]);

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const bench = name === undefined ? undefined : BENCHMARKS.get(name);
  if (!bench) {
    process.stderr.write(`${name === undefined ? '' : `unknown benchmark "${name}"\n`}${USAGE}\n`);
    return 2;
  }
  await bench(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof LookalikeError && err.code === 'BAD_ARGUMENT';
    process.stderr.write(`bench: ${errorMessage(err)}${usage ? '\n(npm run bench -- --help lists the options)' : ''}\n`);
    if (!(err instanceof LookalikeError)) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
