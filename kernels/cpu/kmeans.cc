#include "lookalike/kmeans.h"

#include <algorithm>

#include "kmeans_lloyd.h"
#include "kmeans_run.h"
#include "kmeans_seed.h"
#include "lookalike/parallel.h"

namespace lookalike {

KmeansResult kmeans(const float* X, int64_t n, int d, const KmeansParams& params, int32_t* labels,
                    float* centroids) {
  check_kmeans_args(n, d, params);
  const int k = params.k;
  const int threads = resolve_threads(params.threads);
  const DataStats stats = data_stats(X, n, d, threads);
  const std::vector<int64_t> seeds = seed_rows(X, n, d, stats.norms.data(), k, params.seed, threads);
  for (int c = 0; c < k; ++c) std::copy(X + seeds[c] * d, X + (seeds[c] + 1) * d, centroids + static_cast<int64_t>(c) * d);

  Lloyd lloyd(X, n, d, stats, k, threads, labels, centroids);
  return run_lloyd(lloyd, params);
}

}  // namespace lookalike
