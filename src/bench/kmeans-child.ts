/**
 * Our side of `npm run bench -- kmeans`, in a process of its own so its peak RSS is ours
 * alone: k-means of one .npy matrix, labels to a .npy, one JSON line as the scikit-learn
 * script prints (seconds exclude loading). On the CPU, as scikit-learn: the CUDA path has
 * its own check (gpu-check.ts).
 *
 *   node dist/bench/kmeans-child.js X.npy K LABELS_OUT.npy [THREADS [TOLERANCE]]
 */
import { readFileSync } from 'node:fs';
import { kmeans } from '../native/kmeans.js';
import { readMatrix, writeNpy } from '../npy/npy.js';

const [path, k, labelsOut, threads, tolerance] = process.argv.slice(2);
if (!path || !k || !labelsOut) {
  process.stderr.write('usage: kmeans-child X.npy K LABELS_OUT.npy [THREADS [TOLERANCE]]\n');
  process.exit(2);
}
const X = readMatrix(path);
const start = performance.now();
const r = kmeans(X.data, X.rows, X.cols, Number(k), { seed: 1, device: 'cpu', threads: Number(threads ?? 0), ...(tolerance !== undefined && { tolerance: Number(tolerance) }) });
const seconds = (performance.now() - start) / 1000;
writeNpy(labelsOut, r.labels, [X.rows]);
process.stdout.write(`${JSON.stringify({ seconds, inertia: r.inertia, iterations: r.iterations, peakRssMB: peakRssMB() })}\n`);

/**
 * This process's peak resident memory. On Linux from VmHWM: getrusage's maxRSS also counts
 * the parent's memory, copied at fork before the exec.
 */
function peakRssMB(): number {
  try {
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kB !== undefined) return Number(kB) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
