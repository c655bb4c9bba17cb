#include <cmath>
#include <vector>

#include "lookalike/parallel.h"
#include "lookalike/tsne_gradient.h"

namespace lookalike {

double attraction_nn(const CsrView& P, const float* Y, float* out, bool with_kl, int threads) {
  threads = resolve_threads(threads);
  const int parts = parallel_parts(P.rows, threads);
  std::vector<double> kl(parts, 0.0);
  parallel_for(P.rows, threads, [&](int64_t begin, int64_t end, int part) {
    double kl_part = 0;
    for (int64_t i = begin; i < end; ++i) {
      const float xi = Y[2 * i], yi = Y[2 * i + 1];
      float fx = 0, fy = 0;
      const int32_t e0 = P.indptr[i], e1 = P.indptr[i + 1];
      for (int32_t e = e0; e < e1; ++e) {
        const int32_t j = P.indices[e];
        const float dx = xi - Y[2 * j], dy = yi - Y[2 * j + 1];
        const float w = 1.0f / (1.0f + dx * dx + dy * dy);
        const float f = P.values[e] * w;
        fx += f * dx;
        fy += f * dy;
      }
      out[2 * i] = fx;
      out[2 * i + 1] = fy;
      if (with_kl) {
        double s = 0;
        for (int32_t e = e0; e < e1; ++e) {
          const int32_t j = P.indices[e];
          const double dx = xi - Y[2 * j], dy = yi - Y[2 * j + 1];
          s += P.values[e] * std::log1p(dx * dx + dy * dy);
        }
        kl_part += s;
      }
    }
    kl[part] = kl_part;
  });
  double total = 0;
  for (double v : kl) total += v;
  return total;
}

}  // namespace lookalike
