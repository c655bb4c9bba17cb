// FFT-accelerated repulsion (FIt-SNE, Linderman et al. 2019). With K = q^2 the kernel,
// out_i = sum_j K_ij (y_i - y_j) = y_i phi0_i - (phi1_i, phi2_i) and, since q = K (1 + d^2),
// sum_j q_ij = (1 + |y_i|^2) phi0_i - 2 y_i . (phi1_i, phi2_i) + phi3_i, where phi_c are the
// potentials of the charges (1, y1, y2, |y|^2): sum_j K_ij charge_c(j). Each identity holds
// for any kernel, so it holds exactly for the interpolated one; the j = i terms add 0 to
// out_i and 1 to the sum. Coordinates are taken relative to the box centre and divided by
// R, a power of two near its half-width (y = R u), so the four charges have like
// magnitudes: packed two per complex FFT, a small one would take the rounding error of a
// large one (force error floor 9e-4 -> 5e-4 at an extent of 140). In those units
// out_i = R (u_i phi0 - phi12) and sum_j q_ij = phi0 + R^2 (|u|^2 phi0 - 2 u . phi12 + phi3).
#include <algorithm>
#include <cstring>
#include <vector>

#include "arena.h"
#include "grid_convolution.h"
#include "interpolation_grid.h"
#include "lookalike/parallel.h"
#include "lookalike/status.h"
#include "lookalike/tsne_gradient.h"
#include "shuffle16.h"

namespace lookalike {
namespace {

constexpr int kMaxNodes = 2048;  // per dimension: there the grids take about 400 MB

void squared_cauchy(v16* d2, int64_t count) {
  for (int64_t k = 0; k < count; ++k) {
    const v16 q = 1.0f / (1.0f + d2[k]);
    d2[k] = q * q;
  }
}

// Lanes 8H..8H+7 in double.
template <int H>
inline v8d half(v16 v) {
  return __builtin_convertvector(
      __builtin_shufflevector(v, v, 8 * H, 8 * H + 1, 8 * H + 2, 8 * H + 3, 8 * H + 4, 8 * H + 5, 8 * H + 6, 8 * H + 7),
      v8d);
}

// Sixteen points' sum_j q_ij (units of the file comment), in double: the bracket cancels
// to a small part of its terms. Lanes with zero potentials add nothing.
template <int H>
inline v8d q_sums(v16 ux, v16 uy, const v16* phi, double r2) {
  const v8d x = half<H>(ux), y = half<H>(uy), p0 = half<H>(phi[0]);
  return p0 + r2 * ((x * x + y * y) * p0 - 2 * (x * half<H>(phi[1]) + y * half<H>(phi[2])) + half<H>(phi[3]));
}

template <int P>
class RepulsionFft {
 public:
  static constexpr int V = (P * kCharges + 15) / 16;  // vectors per row of a point's P nodes

  RepulsionFft(const InterpolationGrid& g, Arena& arena)
      : g_(g), N_(g.nodes()), row_(static_cast<int64_t>(N_) * kCharges), grid_floats_(N_ * row_ + 64), arena_(arena) {}

  double run(const float* Y, int64_t n, float* out, int threads) {
    // Spread: each part into its own grid, which the convolution sums in part order.
    const int parts = parallel_parts(n, threads);
    std::vector<const float*> charges(parts);
    std::vector<float*> grids(parts);
    for (int p = 0; p < parts; ++p) charges[p] = grids[p] = arena_.floats(grid_floats_);
    parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) { spread(Y, begin, end, grids[part]); });

    float* potentials = arena_.floats(grid_floats_);
    std::fill(potentials + N_ * row_, potentials + grid_floats_, 0.0f);  // read (times 0) past the last node
    const GridConvolutionSpec spec{N_, g_.length / N_, squared_cauchy};
    convolve_grid(spec, charges.data(), parts, potentials, threads, arena_);

    std::vector<double> z_part(parts, 0.0);
    parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
      z_part[part] = interpolate(Y, begin, end, potentials, out);
    });
    double z = 0;
    for (double p : z_part) z += p;
    return z - static_cast<double>(n);
  }

 private:
  void spread(const float* Y, int64_t begin, int64_t end, float* grid) const {
    std::fill(grid, grid + grid_floats_, 0.0f);
    const Lagrange<P> lagrange;
    const InterpolationGrid g = g_;  // locals: stores through grid cannot change them
    const int64_t row = row_;
    for (int64_t i = begin; i < end; i += 16) {
      const PointBlock<P> pb(g, lagrange, Y, i, static_cast<int>(std::min<int64_t>(16, end - i)));
      // Row lane 4a + c = weight a along x times charge c; transposed, one row per point.
      const v16 charge[kCharges] = {splat16(1.0f), pb.x, pb.y, pb.x * pb.x + pb.y * pb.y};
      v16 rows[16 * V] = {};
      for (int a = 0; a < P; ++a)
        for (int c = 0; c < kCharges; ++c) rows[a * kCharges + c] = pb.wx[a] * charge[c];
      for (int v = 0; v < V; ++v) transpose16(rows + 16 * v);
      float wy[P][16];
      std::memcpy(wy, pb.wy, sizeof wy);
      for (int j = 0; j < pb.count; ++j)
        for (int b = 0; b < P; ++b) {
          float* dst = grid + pb.at[j] + b * row;
          for (int v = 0; v < V; ++v) store16(dst + 16 * v, load16(dst + 16 * v) + wy[b][j] * rows[16 * v + j]);
        }
    }
  }

  // Writes out[begin..end) and returns their share of sum_j q_ij (including j = i).
  double interpolate(const float* Y, int64_t begin, int64_t end, const float* potentials, float* out) const {
    const Lagrange<P> lagrange;
    const InterpolationGrid g = g_;
    const int64_t row = row_;
    const double r2 = static_cast<double>(g.radius) * g.radius;
    v8d z{};
    for (int64_t i = begin; i < end; i += 16) {
      const PointBlock<P> pb(g, lagrange, Y, i, static_cast<int>(std::min<int64_t>(16, end - i)));
      float wy[P][16];
      std::memcpy(wy, pb.wy, sizeof wy);
      // Per point, the potentials interpolated along y; transposed, lane = point and
      // vector 4a + c = node a, potential c.
      v16 acc[16 * V] = {};
      for (int j = 0; j < pb.count; ++j)
        for (int v = 0; v < V; ++v) {
          const float* src = potentials + pb.at[j] + 16 * v;
          v16 sum = wy[0][j] * load16(src);
          for (int b = 1; b < P; ++b) sum += wy[b][j] * load16(src + b * row);
          acc[16 * v + j] = sum;
        }
      for (int v = 0; v < V; ++v) transpose16(acc + 16 * v);
      v16 phi[kCharges] = {};
      for (int a = 0; a < P; ++a)
        for (int c = 0; c < kCharges; ++c) phi[c] += pb.wx[a] * acc[a * kCharges + c];

      const v16 fx = g.radius * (pb.x * phi[0] - phi[1]), fy = g.radius * (pb.y * phi[0] - phi[2]);
      const v16 lo = __builtin_shufflevector(fx, fy, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const v16 hi = __builtin_shufflevector(fx, fy, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      if (pb.count == 16) {
        store16(out + 2 * i, lo);
        store16(out + 2 * i + 16, hi);
      } else {
        float both[32];
        store16(both, lo);
        store16(both + 16, hi);
        std::memcpy(out + 2 * i, both, 2 * pb.count * sizeof(float));
      }
      z += q_sums<0>(pb.x, pb.y, phi, r2) + q_sums<1>(pb.x, pb.y, phi, r2);
    }
    double sum = 0;
    for (int l = 0; l < 8; ++l) sum += z[l];
    return sum;
  }

  InterpolationGrid g_;
  int N_;
  int64_t row_, grid_floats_;
  Arena& arena_;
};

}  // namespace

double repulsion_fft(const float* Y, int64_t n, const FftParams& params, float* out, int threads) {
  threads = resolve_threads(threads);
  if (params.points_per_interval < 2 || params.points_per_interval > 6 || params.min_intervals < 1 ||
      !(params.intervals_per_unit > 0))
    throw KernelError("BAD_ARGUMENT", "repulsion_fft: parameters out of range");
  if (n == 0) return 0.0;
  const InterpolationGrid g = fit_grid(Y, n, params, kMaxNodes, threads);
  thread_local Arena arena;  // this thread's grids, kept for its next call
  arena.reset();
  switch (params.points_per_interval) {
    case 2: return RepulsionFft<2>(g, arena).run(Y, n, out, threads);
    case 3: return RepulsionFft<3>(g, arena).run(Y, n, out, threads);
    case 4: return RepulsionFft<4>(g, arena).run(Y, n, out, threads);
    case 5: return RepulsionFft<5>(g, arena).run(Y, n, out, threads);
    default: return RepulsionFft<6>(g, arena).run(Y, n, out, threads);
  }
}

}  // namespace lookalike
