// FFT-accelerated repulsion (FIt-SNE, Linderman et al. 2019). With K = q^2 the kernel,
// out_i = sum_j K_ij (y_i - y_j) = y_i phi0_i - (phi1_i, phi2_i) and, since q = K (1 + d^2),
// sum_j q_ij = (1 + |y_i|^2) phi0_i - 2 y_i . (phi1_i, phi2_i) + phi3_i, where phi_c are the
// potentials of the charges (1, y1, y2, |y|^2): sum_j K_ij charge_c(j). Each identity holds
// for any kernel, so it holds exactly for the interpolated one; the j = i terms add 0 to
// out_i and 1 to the sum. Coordinates are taken relative to the box centre to keep |y|^2
// small next to the sums it multiplies.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "fft.h"
#include "grid_convolution.h"
#include "lookalike/parallel.h"
#include "lookalike/status.h"
#include "lookalike/tsne_gradient.h"

namespace lookalike {
namespace {

constexpr int kMaxNodes = 2048;  // per dimension: beyond it the grids take hundreds of MB

v16 squared_cauchy(v16 d2) {
  const v16 q = 1.0f / (1.0f + d2);
  return q * q;
}

// The square box around all points, split into `intervals` per dimension.
struct Box {
  float x0, y0;  // lower corner
  float cx, cy;  // centre
  float radius;  // a power of two >= half the length: charges use (y - centre) / radius
  float intervals_per_length;
  double length;
  int intervals;
};

Box bounding_box(const float* Y, int64_t n, const FftParams& params, int threads) {
  const int parts = parallel_parts(n, threads);
  std::vector<float> lo(2 * parts), hi(2 * parts);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    float b[4] = {Y[2 * begin], Y[2 * begin + 1], Y[2 * begin], Y[2 * begin + 1]};
    for (int64_t i = begin; i < end; ++i)
      for (int d = 0; d < 2; ++d) {
        b[d] = std::min(b[d], Y[2 * i + d]);
        b[2 + d] = std::max(b[2 + d], Y[2 * i + d]);
      }
    for (int d = 0; d < 2; ++d) lo[2 * part + d] = b[d], hi[2 * part + d] = b[2 + d];
  });
  float b[4] = {lo[0], lo[1], hi[0], hi[1]};
  for (int p = 1; p < parts; ++p)
    for (int d = 0; d < 2; ++d) b[d] = std::min(b[d], lo[2 * p + d]), b[2 + d] = std::max(b[2 + d], hi[2 * p + d]);
  Box box;
  box.x0 = b[0];
  box.y0 = b[1];
  box.cx = 0.5f * (b[0] + b[2]);
  box.cy = 0.5f * (b[1] + b[3]);
  // A zero extent (all points equal) still needs a box of positive size.
  box.length = std::max<double>({static_cast<double>(b[2]) - b[0], static_cast<double>(b[3]) - b[1], 1e-6});
  box.radius = std::exp2(std::ceil(std::log2(0.5 * box.length)));
  const double wanted = std::max<double>(params.min_intervals, std::ceil(box.length * params.intervals_per_unit));
  if (wanted * params.points_per_interval > kMaxNodes)
    throw KernelError("BAD_ARGUMENT",
                      "repulsion_fft: the embedding spans " + std::to_string(box.length) + " units, which needs " +
                          std::to_string(static_cast<int64_t>(wanted * params.points_per_interval)) +
                          " grid nodes per dimension; at most " + std::to_string(kMaxNodes));
  int m = static_cast<int>(wanted);
  while (fft_size_at_least(2 * m * params.points_per_interval) != 2 * m * params.points_per_interval) ++m;
  box.intervals = m;
  box.intervals_per_length = static_cast<float>(m / box.length);
  return box;
}

// Lagrange interpolation on the P nodes (k + 1/2) / P of the unit interval, for a point
// at position u (in intervals from the box's edge): its interval's first node, the P
// weights along one axis, and the weights as a row of interleaved nodes
// (lane 4a + c = weight a), zero past the P nodes, for whole-row vector arithmetic.
template <int P>
class Lagrange {
 public:
  static constexpr int kVectors = (P * kCharges + 15) / 16;  // per row of P nodes

  Lagrange() {
    float node[P];
    for (int k = 0; k < P; ++k) node[k] = (k + 0.5f) / P;
    for (int k = 0; k < P; ++k) {
      double d = 1;
      for (int l = 0; l < P; ++l)
        if (l != k) d *= node[k] - node[l];
      scale_[k] = static_cast<float>(1 / d);
      for (int l = 0; l < P; ++l) {
        slope_[l][k] = l == k ? 0.0f : 1.0f;
        offset_[l][k] = l == k ? 1.0f : -node[l];
      }
    }
    for (int v = 0; v < kVectors; ++v)
      for (int lane = 0; lane < 16; ++lane) {
        const int k = (16 * v + lane) / kCharges;
        scale_row_[v][lane] = k < P ? scale_[k] : 0.0f;
        for (int l = 0; l < P; ++l) {
          slope_row_[l][v][lane] = k < P ? slope_[l][k] : 0.0f;
          offset_row_[l][v][lane] = k < P ? offset_[l][k] : 1.0f;
        }
      }
  }
  static int interval(float u, int intervals) { return std::min(static_cast<int>(u), intervals - 1); }
  void weights(float t, float* w) const {
    for (int k = 0; k < P; ++k) {
      float v = scale_[k];
      for (int l = 0; l < P; ++l) v *= slope_[l][k] * t + offset_[l][k];
      w[k] = v;
    }
  }
  void row_weights(float t, v16* w) const {
    for (int v = 0; v < kVectors; ++v) {
      v16 r = scale_row_[v];
      for (int l = 0; l < P; ++l) r *= slope_row_[l][v] * t + offset_row_[l][v];
      w[v] = r;
    }
  }

 private:
  float scale_[P], slope_[P][P], offset_[P][P];
  v16 scale_row_[kVectors], slope_row_[P][kVectors], offset_row_[P][kVectors];
};

// Where point i falls: the first grid node of its P x P block (as a float offset into an
// interleaved grid), its row weights along x and its P weights along y.
template <int P>
struct Stencil {
  int64_t at;
  v16 wx[Lagrange<P>::kVectors];
  float wy[P];
  Stencil(const Lagrange<P>& lagrange, const Box& box, int N, float px, float py) {
    const float ux = (px - box.x0) * box.intervals_per_length, uy = (py - box.y0) * box.intervals_per_length;
    const int ix = Lagrange<P>::interval(ux, box.intervals), iy = Lagrange<P>::interval(uy, box.intervals);
    lagrange.row_weights(ux - static_cast<float>(ix), wx);
    lagrange.weights(uy - static_cast<float>(iy), wy);
    at = (static_cast<int64_t>(iy) * P * N + static_cast<int64_t>(ix) * P) * kCharges;
  }
};

template <int P>
double repulsion_fft_p(const float* Y, int64_t n, const Box& box, float* out, int threads, Arena& arena) {
  constexpr int V = Lagrange<P>::kVectors;
  const int N = box.intervals * P;
  const int64_t row = static_cast<int64_t>(N) * kCharges;
  const Lagrange<P> lagrange;
  const int64_t grid_floats = N * row + 64;  // the last row's vectors may reach past its end
  const float inv_radius = 1.0f / box.radius;
  const double r2 = static_cast<double>(box.radius) * box.radius;
  // Lane 4a + c of a row holds charge c: 1, x, y, x^2 + y^2 as C1 + x Cx + y Cy + r Cr.
  v16 c1{}, cx{}, cy{}, cr{};
  for (int lane = 0; lane < 16; lane += kCharges) c1[lane] = cx[lane + 1] = cy[lane + 2] = cr[lane + 3] = 1.0f;

  // Spread: each part into its own grid, which the convolution sums in part order.
  const int parts = parallel_parts(n, threads);
  std::vector<const float*> charges(parts);
  std::vector<float*> grids(parts);
  for (int p = 0; p < parts; ++p) charges[p] = grids[p] = arena.floats(grid_floats);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    float* g = grids[part];
    std::fill(g, g + grid_floats, 0.0f);
    const Lagrange<P> lg = lagrange;  // locals: stores through g cannot change them
    const Box bx = box;
    for (int64_t i = begin; i < end; ++i) {
      const Stencil<P> st(lg, bx, N, Y[2 * i], Y[2 * i + 1]);
      const float x = (Y[2 * i] - bx.cx) * inv_radius, y = (Y[2 * i + 1] - bx.cy) * inv_radius;
      const v16 q = c1 + x * cx + y * cy + (x * x + y * y) * cr;
      v16 w[V];
      for (int v = 0; v < V; ++v) w[v] = st.wx[v] * q;
      for (int b = 0; b < P; ++b) {
        float* dst = g + st.at + b * row;
        for (int v = 0; v < V; ++v) store16(dst + 16 * v, load16(dst + 16 * v) + st.wy[b] * w[v]);
      }
    }
  });

  float* potentials = arena.floats(grid_floats);
  std::fill(potentials + N * row, potentials + grid_floats, 0.0f);
  const GridConvolutionSpec spec{N, box.length / N, squared_cauchy};
  convolve_grid(spec, charges.data(), parts, potentials, threads, arena);

  // Interpolate the potentials back to the points.
  std::vector<double> z_part(parts, 0.0);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    double z = 0;
    const Lagrange<P> lg = lagrange;  // locals: stores through out cannot change them
    const Box bx = box;
    for (int64_t i = begin; i < end; ++i) {
      const Stencil<P> st(lg, bx, N, Y[2 * i], Y[2 * i + 1]);
      v16 along_y[V] = {};
      for (int b = 0; b < P; ++b) {
        const float* src = potentials + st.at + b * row;
        for (int v = 0; v < V; ++v) along_y[v] += st.wy[b] * load16(src + 16 * v);
      }
      v16 acc{};
      for (int v = 0; v < V; ++v) acc += st.wx[v] * along_y[v];
      // Sum the four interleaved nodes' groups of lanes: lanes 0..3 = the four potentials.
      acc += __builtin_shufflevector(acc, acc, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
      acc += __builtin_shufflevector(acc, acc, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);
      const float x = (Y[2 * i] - bx.cx) * inv_radius, y = (Y[2 * i + 1] - bx.cy) * inv_radius;
      out[2 * i] = bx.radius * (x * acc[0] - acc[1]);
      out[2 * i + 1] = bx.radius * (y * acc[0] - acc[2]);
      const double xd = x, yd = y;
      z += acc[0] + r2 * ((xd * xd + yd * yd) * acc[0] - 2 * (xd * acc[1] + yd * acc[2]) + acc[3]);
    }
    z_part[part] = z;
  });
  double z = 0;
  for (double p : z_part) z += p;
  return z - static_cast<double>(n);
}

}  // namespace

double repulsion_fft(const float* Y, int64_t n, const FftParams& params, float* out, int threads) {
  threads = resolve_threads(threads);
  if (params.points_per_interval < 2 || params.points_per_interval > 6 || params.min_intervals < 1 ||
      !(params.intervals_per_unit > 0))
    throw KernelError("BAD_ARGUMENT", "repulsion_fft: parameters out of range");
  const Box box = bounding_box(Y, n, params, threads);
  thread_local Arena arena;  // this thread's grids, kept for its next call
  arena.reset();
  switch (params.points_per_interval) {
    case 2: return repulsion_fft_p<2>(Y, n, box, out, threads, arena);
    case 3: return repulsion_fft_p<3>(Y, n, box, out, threads, arena);
    case 4: return repulsion_fft_p<4>(Y, n, box, out, threads, arena);
    case 5: return repulsion_fft_p<5>(Y, n, box, out, threads, arena);
    default: return repulsion_fft_p<6>(Y, n, box, out, threads, arena);
  }
}

}  // namespace lookalike
