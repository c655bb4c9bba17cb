#include "interpolation_grid.h"

#include <cmath>
#include <string>
#include <vector>

#include "fft.h"
#include "lookalike/parallel.h"
#include "lookalike/status.h"

namespace lookalike {

InterpolationGrid fit_grid(const float* Y, int64_t n, const FftParams& params, int max_nodes, int threads) {
  // A thread per 64k points at most: the scan takes about 1 ns a point, a thread ~20 us to start.
  threads = static_cast<int>(std::min<int64_t>(threads, 1 + n / 65536));
  const int parts = parallel_parts(n, threads);
  std::vector<float> bounds(4 * parts);  // per part: min x, min y, max x, max y
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    float b[4] = {Y[2 * begin], Y[2 * begin + 1], Y[2 * begin], Y[2 * begin + 1]};
    for (int64_t i = begin; i < end; ++i)
      for (int d = 0; d < 2; ++d) {
        b[d] = std::min(b[d], Y[2 * i + d]);
        b[2 + d] = std::max(b[2 + d], Y[2 * i + d]);
      }
    std::copy(b, b + 4, &bounds[4 * part]);
  });
  float b[4] = {bounds[0], bounds[1], bounds[2], bounds[3]};
  for (int p = 1; p < parts; ++p)
    for (int d = 0; d < 2; ++d) {
      b[d] = std::min(b[d], bounds[4 * p + d]);
      b[2 + d] = std::max(b[2 + d], bounds[4 * p + 2 + d]);
    }
  InterpolationGrid g;
  g.x0 = b[0];
  g.y0 = b[1];
  g.cx = 0.5f * (b[0] + b[2]);
  g.cy = 0.5f * (b[1] + b[3]);
  // A zero extent (all points equal) still needs a box of positive size.
  g.length = std::max<double>({static_cast<double>(b[2]) - b[0], static_cast<double>(b[3]) - b[1], 1e-6});
  g.radius = static_cast<float>(std::exp2(std::ceil(std::log2(0.5 * g.length))));
  const int p = params.points_per_interval;
  const double wanted = std::max<double>(params.min_intervals, std::ceil(g.length * params.intervals_per_unit));
  if (wanted * p > max_nodes)
    throw KernelError("BAD_ARGUMENT", "repulsion_fft: the embedding spans " + std::to_string(g.length) +
                                          " units, which needs " + std::to_string(static_cast<int64_t>(wanted * p)) +
                                          " grid nodes per dimension; at most " + std::to_string(max_nodes));
  int m = static_cast<int>(wanted);
  while (fft_size_at_least(2 * m * p) != 2 * m * p) ++m;
  g.intervals = m;
  g.points_per_interval = p;
  g.intervals_per_length = static_cast<float>(m / g.length);
  return g;
}

}  // namespace lookalike
