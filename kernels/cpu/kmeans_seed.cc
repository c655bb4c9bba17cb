#include "kmeans_seed.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "chunked.h"
#include "dot_block.h"
#include "lookalike/parallel.h"
#include "random.h"

namespace lookalike {
namespace {

// k-means++ runs on a uniform sample of the rows: it visits every sampled row k times,
// bound by memory bandwidth once the rows outgrow the cache. The sample holds 25 rows per
// cluster, and more while k x rows stays within kSeedVisits. On the CIFAR-10 vectors
// (k = 100, 4 seeds), seeds from 25 rows per cluster converge to the same inertia as
// seeds from all rows (378.28 and 378.30 on average), at a tenth of the seeding time.
constexpr int64_t kSeedRowsPerCluster = 25;
constexpr int64_t kSeedVisits = int64_t{1} << 16;

// The seeds reordered as a nearest-neighbour chain, so that centroids with consecutive
// indices (one bound group) lie close together and the group's bound stays tight.
std::vector<int64_t> chain_order(const float* X, int d, const float* xnorm, std::vector<int64_t> seeds) {
  for (size_t next = 1; next < seeds.size(); ++next) {
    const int64_t last = seeds[next - 1];
    size_t best = next;
    float best_d2 = std::numeric_limits<float>::infinity();
    for (size_t j = next; j < seeds.size(); ++j) {
      const float d2 = xnorm[seeds[j]] - 2 * dot1(X + last * d, X + seeds[j] * d, d);
      if (d2 < best_d2) {
        best_d2 = d2;
        best = j;
      }
    }
    std::swap(seeds[next], seeds[best]);
  }
  return seeds;
}

}  // namespace

std::vector<int64_t> seed_rows(const float* X, int64_t n, int d, const float* xnorm, int k, uint64_t seed,
                               int threads) {
  const int64_t sample = std::max(kSeedRowsPerCluster * k, kSeedVisits / k);
  return chain_order(X, d, xnorm, seed_greedy_kmeanspp(X, n, d, xnorm, k, sample, seed, threads));
}

std::vector<float> row_norms(const float* X, int64_t n, int d, int threads) {
  std::vector<float> norms(n);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) norms[i] = dot1(X + i * d, X + i * d, d);
  });
  return norms;
}

std::vector<int64_t> seed_greedy_kmeanspp(const float* X, int64_t n, int d, const float* xnorm, int k,
                                          int64_t sample, uint64_t seed, int threads) {
  Random random(seed);
  // The rows seeded from: a uniform sample without replacement, in increasing order.
  std::vector<int64_t> rows(n);
  std::iota(rows.begin(), rows.end(), int64_t{0});
  const int64_t m = std::min(n, std::max<int64_t>(sample, k));
  if (m < n) {
    for (int64_t i = 0; i < m; ++i) std::swap(rows[i], rows[i + static_cast<int64_t>(random.below(n - i))]);
    rows.resize(m);
    std::sort(rows.begin(), rows.end());
  }
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<int64_t> chosen{rows[random.below(m)]};
  chosen.reserve(k);

  // dist[i * trials + t]: squared distance of sampled row i to candidate t, in blocks of
  // 4 rows by 4 candidates.
  std::vector<int64_t> candidates(trials);
  std::vector<float> dist(static_cast<size_t>(m) * trials);
  auto measure = [&](int64_t begin, int64_t end, int count) {
    for (int64_t r0 = begin; r0 < end; r0 += 4) {
      const int live = static_cast<int>(std::min<int64_t>(4, end - r0));
      const float* a[4];
      for (int r = 0; r < 4; ++r) a[r] = X + rows[r0 + std::min(r, live - 1)] * d;
      for (int t0 = 0; t0 < count; t0 += 4) {
        const int width = std::min(4, count - t0);
        const float* b[4];
        for (int t = 0; t < 4; ++t) b[t] = X + candidates[t0 + std::min(t, width - 1)] * d;
        float dots[4][4];
        dot_block4(a, b, width, d, dots);
        for (int r = 0; r < live; ++r)
          for (int t = 0; t < width; ++t)
            dist[(r0 + r) * count + t0 + t] =
                std::max(xnorm[rows[r0 + r]] + xnorm[candidates[t0 + t]] - 2 * dots[r][t], 0.0f);
      }
    }
  };

  // closest[i]: squared distance of sampled row i to its nearest chosen centroid.
  candidates[0] = chosen[0];
  double potential = chunked_sum(m, 1, threads, [&](int64_t begin, int64_t end, double* out) {
    measure(begin, end, 1);
    for (int64_t i = begin; i < end; ++i) out[0] += dist[i];
  })[0];
  std::vector<float> closest(dist.begin(), dist.begin() + m);

  std::vector<double> cumulative(m);
  while (static_cast<int>(chosen.size()) < k) {
    double running = 0;
    for (int64_t i = 0; i < m; ++i) cumulative[i] = running += closest[i];
    for (int t = 0; t < trials; ++t) {
      // The first row whose cumulative weight exceeds the draw: rows already chosen
      // (weight 0) are never drawn unless every row coincides with a centroid.
      const double draw = random.uniform() * potential;
      const int64_t i = std::upper_bound(cumulative.begin(), cumulative.end(), draw) - cumulative.begin();
      candidates[t] = rows[std::min(i, m - 1)];
    }
    const std::vector<double> potentials = chunked_sum(m, trials, threads, [&](int64_t begin, int64_t end, double* out) {
      measure(begin, end, trials);
      for (int64_t i = begin; i < end; ++i)
        for (int t = 0; t < trials; ++t) out[t] += std::min(closest[i], dist[i * trials + t]);
    });
    const int best = static_cast<int>(std::min_element(potentials.begin(), potentials.end()) - potentials.begin());
    potential = potentials[best];
    for (int64_t i = 0; i < m; ++i) closest[i] = std::min(closest[i], dist[i * trials + best]);
    chosen.push_back(candidates[best]);
  }
  return chosen;
}

}  // namespace lookalike
