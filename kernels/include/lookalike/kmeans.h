// k-means clustering: greedy k-means++ seeds drawn from a sample of the rows (on the CPU,
// refined by the k-means of uniform samples), then Lloyd iterations whose assignment step
// skips the rows that distance bounds prove cannot change cluster.
#pragma once
#include <cstdint>
#include <vector>

namespace lookalike {

struct KmeansParams {
  int k = 8;
  uint64_t seed = 1;
  int max_iterations = 300;
  // Stop when an iteration lowers the inertia by at most tolerance times the inertia
  // (0: only when no label changes). On the 50,000 CIFAR-10 vectors with the sample start
  // (1632-d 3 seeds, PCA-256 6), 2e-5 stops within 0.1 % of the inertia at convergence
  // (which takes 69 to 153 iterations), on average 0.04-0.08 % above for k = 100; 1e-5
  // within 0.06 %, at 1.3-1.4x the time for k = 100 (PCA-256 0.39 s -> 0.54 s).
  double tolerance = 2e-5;
  int threads = 0;
  // Start from the k-means of uniform samples of the rows rather than from seeds alone
  // (kmeans.cc says how). On the CPU only: on CUDA a pass over all rows is cheap.
  bool sample_start = true;
};

struct KmeansResult {
  double inertia = 0;  // sum of squared distances of the points to their centroids
  int iterations = 0;
  std::vector<double> history;  // the inertia after each iteration, never increasing
  // Wall-clock seconds: the data statistics (on CUDA: the upload of X and its statistics,
  // while the seeding runs beside it), the seeding (with the sample start, the samples'
  // k-means too), and the Lloyd iterations over all rows.
  double setup_seconds = 0, seeding_seconds = 0, lloyd_seconds = 0;
};

// X: n x d row-major, 1 <= k <= n. Writes labels (n) and centroids (k x d row-major);
// each centroid is the mean of the points labelled with it. Deterministic for a seed,
// whatever the thread count.
KmeansResult kmeans(const float* X, int64_t n, int d, const KmeansParams& params, int32_t* labels,
                    float* centroids);

}  // namespace lookalike
