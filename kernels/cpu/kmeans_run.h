// The argument check, the stopping rule and the empty-cluster repair of k-means, shared by
// the CPU and CUDA versions so that both stop after the same iteration on the same inertias
// and repair with the same rows.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "lookalike/kmeans.h"
#include "lookalike/status.h"

namespace lookalike {

inline void check_kmeans_args(int64_t n, int d, const KmeansParams& params) {
  if (n < 1 || d < 1 || params.k < 1 || params.k > n || params.max_iterations < 1)
    throw KernelError("BAD_ARGUMENT", "kmeans: needs n >= 1 rows, d >= 1 columns, 1 <= k <= n and max_iterations >= 1");
}

// Runs Lloyd steps until one lowers the inertia by at most tolerance times the inertia.
// `steps` has iterate() (one assignment and update), inertia() (after it) and undo()
// (back to the state before the last iterate()).
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename Steps>
KmeansResult run_lloyd(Steps& steps, const KmeansParams& params) {
  const auto start = std::chrono::steady_clock::now();
  KmeansResult result;
  while (result.iterations < params.max_iterations) {
    steps.iterate();
    const double inertia = steps.inertia();
    const double previous = result.history.empty() ? std::numeric_limits<double>::infinity() : result.history.back();
    // Lloyd's steps never increase the inertia in exact arithmetic: an increase is float
    // noise at convergence, so the previous state is kept and the run ends.
    if (inertia > previous) {
      steps.undo();
      break;
    }
    result.history.push_back(inertia);
    ++result.iterations;
    if (previous - inertia <= params.tolerance * inertia) break;
  }
  result.inertia = result.history.back();
  result.lloyd_seconds = seconds_since(start);
  return result;
}

// Each empty cluster takes the row farthest from its centroid (`distance`; ties to the lower
// row) among clusters that keep at least one other row, which exist as k <= n. Updates
// labels and counts; returns the rows moved.
template <typename Count>
std::vector<int64_t> repair_empty_clusters(const float* distance, int32_t* labels, Count* counts, int64_t n, int k) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return distance[a] > distance[b]; });
  std::vector<int64_t> moved;
  auto next = order.begin();
  for (int c = 0; c < k; ++c) {
    if (counts[c] > 0) continue;
    while (counts[labels[*next]] < 2) ++next;
    const int64_t i = *next++;
    --counts[labels[i]];
    labels[i] = c;
    counts[c] = 1;
    moved.push_back(i);
  }
  return moved;
}

}  // namespace lookalike
