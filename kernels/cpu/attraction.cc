#include <vector>

#include "fast_math.h"
#include "lookalike/parallel.h"
#include "lookalike/tsne_gradient.h"

namespace lookalike {
namespace {

// One row's attraction; the loops vectorise (gathers for y_j) under the build's
// reassociation flags. The KL variant also sums p log(1 + d^2) with a vectorisable log:
// libm's scalar log made that pass ten times slower than the forces.
template <bool WithKl>
inline float row_attraction(const CsrView& P, const float* Y, int64_t i, float* out) {
  const float xi = Y[2 * i], yi = Y[2 * i + 1];
  float fx = 0, fy = 0, kl = 0;
  for (int32_t e = P.indptr[i]; e < P.indptr[i + 1]; ++e) {
    const int32_t j = P.indices[e];
    const float dx = xi - Y[2 * j], dy = yi - Y[2 * j + 1];
    const float w = 1.0f + dx * dx + dy * dy;
    const float f = P.values[e] / w;
    fx += f * dx;
    fy += f * dy;
    if constexpr (WithKl) kl += P.values[e] * fast_log(w);
  }
  out[2 * i] = fx;
  out[2 * i + 1] = fy;
  return kl;
}

}  // namespace

double attraction_nn(const CsrView& P, const float* Y, float* out, bool with_kl, int threads) {
  threads = resolve_threads(threads);
  std::vector<double> kl(parallel_parts(P.rows, threads), 0.0);
  parallel_for(P.rows, threads, [&](int64_t begin, int64_t end, int part) {
    double sum = 0;
    for (int64_t i = begin; i < end; ++i)
      if (with_kl) sum += row_attraction<true>(P, Y, i, out);
      else row_attraction<false>(P, Y, i, out);
    kl[part] = sum;
  });
  double total = 0;
  for (double v : kl) total += v;
  return total;
}

}  // namespace lookalike
