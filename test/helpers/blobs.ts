import { seededRandom } from '../../src/evaluation/split.js';

/** `clusters` Gaussian blobs in `dims` dimensions, centres `spread` apart on average, unit std. */
export function blobs(n: number, dims: number, clusters: number, seed = 1, spread = 20): { X: Float32Array; labels: Int32Array } {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dims }, () => (random() - 0.5) * 2 * spread));
  const X = new Float32Array(n * dims);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let j = 0; j < dims; j++) X[i * dims + j] = centres[c]![j]! + normal();
  }
  return { X, labels };
}

/** Brute-force kNN (squared distances), ties by index: the reference for native kernels. */
export function bruteKnn(X: Float32Array, n: number, d: number, k: number): { indices: Int32Array; distances: Float32Array } {
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const row: [number, number][] = [];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let c = 0; c < d; c++) s += (X[i * d + c]! - X[j * d + c]!) ** 2;
      row.push([s, j]);
    }
    row.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let m = 0; m < k; m++) {
      indices[i * k + m] = row[m]![1];
      distances[i * k + m] = row[m]![0];
    }
  }
  return { indices, distances };
}

/** Sum of squared distances of each row to its given centroid, in double: the reference for k-means. */
export function inertiaOf(X: Float32Array, d: number, labels: Int32Array, centroids: Float32Array): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < d; j++) s += (X[i * d + j]! - centroids[labels[i]! * d + j]!) ** 2;
  return s;
}
