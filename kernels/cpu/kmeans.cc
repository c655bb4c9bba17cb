#include "lookalike/kmeans.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "kmeans_lloyd.h"
#include "kmeans_run.h"
#include "kmeans_seed.h"
#include "lookalike/parallel.h"
#include "random.h"

namespace lookalike {
namespace {

// The sample start: each level clusters a uniform quarter of the rows of the level above,
// down to the last quarter that still holds kSampleRowsPerCluster rows per cluster, whose
// k-means++ seeds start it all; a sample's Lloyd stops at kSampleTolerance, as its
// centroids carry sampling noise well above that. The costly passes over all rows then
// start near convergence. On the 50,000 CIFAR-10 vectors (mean of one run per seed, 2 cores;
// PCA-256 8 seeds, 1632-d 6), from seeds alone -> with the sample start:
//   PCA-256 k = 10: 0.176 s -> 0.096 s, inertia +0.02 %;  k = 100: 0.69 s -> 0.58 s, -0.01 %
//   1632-d  k = 10: 0.78 s -> 0.43 s, +0.05 %;            k = 100: 2.11 s -> 1.90 s, +0.00 %
// 256 rows a cluster gave the same for k = 10 and left k = 100 on seeds; 25 made k = 10
// on 1632-d slower (starts from 781 rows).
constexpr int64_t kSampleDivisor = 4;
constexpr int64_t kSampleRowsPerCluster = 100;
constexpr double kSampleTolerance = 1e-4;

// Lloyd from `centroids` (k x d, updated), with labels into `labels` (n).
KmeansResult lloyd(const float* X, int64_t n, int d, const DataStats& stats, const KmeansParams& params,
                   int threads, int32_t* labels, float* centroids) {
  Lloyd steps(X, n, d, stats, params.k, threads, labels, centroids);
  return run_lloyd(steps, params);
}

// Writes the centroids Lloyd on X starts from: the seeds, or with a sample start where the
// rows allow a level, the k-means of a uniform sample started the same way.
void start_centroids(const float* X, int64_t n, int d, const DataStats& stats, const KmeansParams& params,
                     int threads, int level, float* centroids) {
  const int k = params.k;
  const int64_t m = n / kSampleDivisor;
  if (!params.sample_start || m < kSampleRowsPerCluster * k) {
    const std::vector<int64_t> seeds = seed_rows(X, n, d, stats.norms.data(), k, params.seed, threads);
    for (int c = 0; c < k; ++c)
      std::copy(X + seeds[c] * d, X + (seeds[c] + 1) * d, centroids + static_cast<int64_t>(c) * d);
    return;
  }
  // Selection sampling (Knuth's algorithm S): row i is taken with probability (rows still
  // wanted) / (rows left), so m rows in increasing order, for one draw a row.
  Random random(params.seed ^ (0x5851f42d4c957f2dULL * static_cast<uint64_t>(level + 1)));
  std::vector<int64_t> rows;
  rows.reserve(m);
  for (int64_t i = 0; static_cast<int64_t>(rows.size()) < m; ++i)
    if (static_cast<double>(n - i) * random.uniform() < static_cast<double>(m - static_cast<int64_t>(rows.size())))
      rows.push_back(i);
  // Uninitialised: the copy is the first write.
  std::unique_ptr<float[]> sample(new float[static_cast<size_t>(m) * d]);
  parallel_for(m, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) std::copy(X + rows[i] * d, X + (rows[i] + 1) * d, sample.get() + i * d);
  });
  const DataStats sample_stats = data_stats(sample.get(), m, d, threads);
  start_centroids(sample.get(), m, d, sample_stats, params, threads, level + 1, centroids);
  KmeansParams coarse = params;
  coarse.tolerance = std::max(params.tolerance, kSampleTolerance);
  std::vector<int32_t> labels(m);
  lloyd(sample.get(), m, d, sample_stats, coarse, threads, labels.data(), centroids);
}

}  // namespace

KmeansResult kmeans(const float* X, int64_t n, int d, const KmeansParams& params, int32_t* labels,
                    float* centroids) {
  check_kmeans_args(n, d, params);
  const int threads = resolve_threads(params.threads);
  auto start = std::chrono::steady_clock::now();
  const DataStats stats = data_stats(X, n, d, threads);
  const double setup = seconds_since(start);
  start = std::chrono::steady_clock::now();
  start_centroids(X, n, d, stats, params, threads, 0, centroids);
  const double seeding = seconds_since(start);
  KmeansResult result = lloyd(X, n, d, stats, params, threads, labels, centroids);
  result.setup_seconds = setup;
  result.seeding_seconds = seeding;
  return result;
}

}  // namespace lookalike
