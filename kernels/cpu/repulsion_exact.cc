#include <algorithm>
#include <vector>

#include "lookalike/parallel.h"
#include "lookalike/tsne_gradient.h"
#include "simd.h"

namespace lookalike {
namespace {

constexpr int kLanes = 16;
constexpr int64_t kBlock = 1024;  // points summed in float per lane before joining the double sums

inline float lane_sum(v16 v) {
  float s = 0;
  for (int l = 0; l < kLanes; ++l) s += v[l];
  return s;
}

}  // namespace

double repulsion_exact(const float* Y, int64_t n, float* out, int threads) {
  threads = resolve_threads(threads);
  std::vector<float> xs(n), ys(n);  // de-interleaved, so 16 points load as two vectors
  for (int64_t j = 0; j < n; ++j) xs[j] = Y[2 * j], ys[j] = Y[2 * j + 1];
  const int64_t whole = n / kLanes * kLanes;
  const int parts = parallel_parts(n, threads);
  std::vector<double> z_part(parts, 0.0);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    double z_sum = 0;
    for (int64_t i = begin; i < end; ++i) {
      const float xi = xs[i], yi = ys[i];
      double fx = 0, fy = 0, z = 0;
      for (int64_t j0 = 0; j0 < whole; j0 += kBlock) {
        const int64_t j1 = std::min(whole, j0 + kBlock);
        v16 ax{}, ay{}, az{};
        for (int64_t j = j0; j < j1; j += kLanes) {
          const v16 dx = xi - load16(&xs[j]), dy = yi - load16(&ys[j]);
          const v16 q = 1.0f / (1.0f + dx * dx + dy * dy);
          const v16 q2 = q * q;
          ax += q2 * dx;
          ay += q2 * dy;
          az += q;
        }
        fx += lane_sum(ax);
        fy += lane_sum(ay);
        z += lane_sum(az);
      }
      for (int64_t j = whole; j < n; ++j) {
        const float dx = xi - xs[j], dy = yi - ys[j];
        const float q = 1.0f / (1.0f + dx * dx + dy * dy);
        fx += q * q * dx;
        fy += q * q * dy;
        z += q;
      }
      out[2 * i] = static_cast<float>(fx);
      out[2 * i + 1] = static_cast<float>(fy);
      z_sum += z - 1.0;  // the j = i term, q = 1 exactly
    }
    z_part[part] = z_sum;
  });
  double z = 0;
  for (double p : z_part) z += p;
  return z;
}

}  // namespace lookalike
