import { LookalikeError } from '../core/errors.js';
import { tsneRun, type TsnePhase } from '../mapping/tsne.js';
import { readMatrix, writeNpy } from '../npy/npy.js';
import { choice, intOption, numberOption, parse } from './args.js';

export const TSNE_HELP = `lookalike tsne --input X.npy --output Y.npy [options]

Lays out the rows of X (an n x d float32 or float64 .npy matrix, C order) in 2-D with t-SNE
and writes Y (n x 2 float32 .npy). The FIt-SNE / openTSNE recipe: PCA to 50 dimensions,
k = 3 x perplexity nearest neighbours, early exaggeration 12 (up to 250 iterations),
FFT-accelerated repulsion. Runs on the native kernels on all cores.

Options:
  --input FILE         the vectors (.npy, n x d)
  --output FILE        where the embedding goes (.npy, n x 2 float32)
  --perplexity P       effective number of neighbours (default 30; at most (n - 1) / 3)
  --iterations N       gradient-descent iterations in all (default 750)
  --early-iterations N of those, at most, with early exaggeration (default 250)
  --early-stop yes|no  end early exaggeration once its KL stops falling, giving the
                       iterations left to the main phase (default yes)
  --exaggeration E     early exaggeration factor (default 12)
  --learning-rate R    default max(200, n / exaggeration)
  --pca N              principal components kept before kNN (default 50; 0 keeps the input)
  --knn METHOD         auto, exact or approx (default auto: exact below a size where
                       the approximate search is faster)
  --repulsion METHOD   auto, exact or fft (default auto: exact for small n)
  --device DEVICE      auto, cpu or cuda (default auto: CUDA when a GPU is present)
  --seed N             seed (default 1); the same seed and thread count give the same output
  --threads N          threads (default: all cores)
  --json               print timings and the final KL divergence as JSON
  --quiet              no progress on stderr

Exit status: 0 done, 1 error (e.g. a malformed .npy), 2 bad usage, 130 interrupted.`;

export async function tsneCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    input: { type: 'string' }, output: { type: 'string' }, perplexity: { type: 'string' }, iterations: { type: 'string' },
    'early-iterations': { type: 'string' }, 'early-stop': { type: 'string' }, exaggeration: { type: 'string' }, 'learning-rate': { type: 'string' },
    pca: { type: 'string' }, knn: { type: 'string' }, repulsion: { type: 'string' }, device: { type: 'string' }, seed: { type: 'string' },
    threads: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' },
  }, { min: 0, max: 0, usage: 'lookalike tsne --input X.npy --output Y.npy [options]' });
  if (values.help) {
    process.stdout.write(`${TSNE_HELP}\n`);
    return 0;
  }
  if (typeof values.input !== 'string' || typeof values.output !== 'string')
    throw new LookalikeError('BAD_ARGUMENT', 'usage: lookalike tsne --input X.npy --output Y.npy [options]');
  const options = {
    perplexity: numberOption(values.perplexity, 'perplexity', 30, 1, 1e4),
    iterations: intOption(values.iterations, 'iterations', 750, 0, 100_000),
    earlyExaggerationIterations: values['early-iterations'] === undefined ? undefined : intOption(values['early-iterations'], 'early-iterations', 250, 0),
    earlyExaggerationStop: choice(values['early-stop'], 'early-stop', ['yes', 'no'] as const) !== 'no',
    earlyExaggeration: numberOption(values.exaggeration, 'exaggeration', 12, 1, 1000),
    learningRate: values['learning-rate'] === undefined ? undefined : numberOption(values['learning-rate'], 'learning-rate', 200, 1e-6, 1e9),
    pcaComponents: intOption(values.pca, 'pca', 50, 0),
    knn: choice(values.knn, 'knn', ['auto', 'exact', 'approx'] as const),
    repulsion: choice(values.repulsion, 'repulsion', ['auto', 'exact', 'fft'] as const),
    device: choice(values.device, 'device', ['auto', 'cpu', 'cuda'] as const),
    seed: intOption(values.seed, 'seed', 1, 1, 2 ** 32),
    threads: intOption(values.threads, 'threads', 0, 0, 1024),
  };
  const input = readMatrix(values.input);
  const quiet = values.quiet === true;
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  let current: TsnePhase | undefined;
  let printed = 0;
  const started = performance.now();
  try {
    const result = await tsneRun(input.data, {
      ...options, dims: input.cols, signal: controller.signal, transfer: true,
      onProgress: (p) => {
        if (quiet) return;
        if (p.phase !== current) {
          current = p.phase;
          process.stderr.write(`${p.phase}…\n`);
        } else if (p.phase === 'optimize' && (Math.floor(p.done / 50) > Math.floor(printed / 50) || p.done === p.total)) {
          printed = p.done;
          process.stderr.write(`  iteration ${p.done}/${p.total}  KL ${p.kl?.toFixed(4) ?? '-'}\n`);
        }
      },
    });
    writeNpy(values.output, result.embedding, [input.rows, 2]);
    const total = (performance.now() - started) / 1000;
    const summary = {
      n: input.rows, dims: input.cols, output: values.output, device: result.device, knnMethod: result.knnMethod, iterations: result.iterations,
      klDivergence: result.klDivergence, seconds: { ...result.seconds, total },
    };
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const s = result.seconds;
      process.stdout.write(
        `${input.rows} points -> ${values.output} in ${total.toFixed(2)} s on ${result.device} (pca ${s.pca.toFixed(2)}, knn ${s.knn.toFixed(2)} ${result.knnMethod}, affinities ${s.affinities.toFixed(2)}, optimisation ${s.optimize.toFixed(2)}); KL ${result.klDivergence.toFixed(4)}\n`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof LookalikeError && err.code === 'CANCELLED') {
      process.stderr.write('lookalike: interrupted; nothing written\n');
      return 130;
    }
    throw err;
  } finally {
    process.off('SIGINT', interrupt);
  }
}
