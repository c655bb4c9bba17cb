// The argument check and the stopping rule of k-means, shared by the CPU and CUDA
// versions so that both stop after the same iteration on the same inertias.
#pragma once
#include <cstdint>
#include <limits>

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
template <typename Steps>
KmeansResult run_lloyd(Steps& steps, const KmeansParams& params) {
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
  return result;
}

}  // namespace lookalike
