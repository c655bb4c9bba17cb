// The grid of FIt-SNE's polynomial interpolation: a square box around all points, split
// into intervals with P equispaced Lagrange nodes per interval and dimension, and the
// stencils of points on it, sixteen points at a time (one per vector lane).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "grid_convolution.h"
#include "lookalike/tsne_gradient.h"
#include "simd.h"

namespace lookalike {

typedef int32_t vi16 __attribute__((vector_size(64)));
typedef double v8d __attribute__((vector_size(64)));

struct InterpolationGrid {
  float x0, y0;  // lower corner
  float cx, cy;  // centre
  float radius;  // a power of two >= half the length: charges use (y - centre) / radius
  float intervals_per_length;
  double length;
  int intervals;  // per dimension; 2 * nodes is 5-smooth, so the FFTs are fast
  int points_per_interval;
  int nodes() const { return intervals * points_per_interval; }
};

// Throws BAD_ARGUMENT when the extent needs more than max_nodes nodes per dimension.
InterpolationGrid fit_grid(const float* Y, int64_t n, const FftParams& params, int max_nodes, int threads);

// Lagrange weights of the P nodes (k + 1/2) / P of the unit interval, at 16 positions.
template <int P>
class Lagrange {
 public:
  Lagrange() {
    for (int k = 0; k < P; ++k) node_[k] = (k + 0.5f) / P;
    for (int k = 0; k < P; ++k) {
      double d = 1;
      for (int l = 0; l < P; ++l)
        if (l != k) d *= node_[k] - node_[l];
      scale_[k] = static_cast<float>(1 / d);
    }
  }
  void weights(v16 t, v16* w) const {
    for (int k = 0; k < P; ++k) {
      v16 v = splat16(scale_[k]);
      for (int l = 0; l < P; ++l)
        if (l != k) v *= t - node_[l];
      w[k] = v;
    }
  }

 private:
  float node_[P], scale_[P];
};

// Sixteen consecutive points (the last ones repeated past `count`) on the grid.
template <int P>
struct PointBlock {
  int count;
  v16 x, y;           // (coordinate - centre) / radius
  v16 wx[P], wy[P];   // interpolation weights along each axis
  int32_t at[16];     // first node of each point's P x P block, as a float offset into a grid

  PointBlock(const InterpolationGrid& g, const Lagrange<P>& lagrange, const float* Y, int64_t begin, int count_)
      : count(count_) {
    v16 px, py;
    if (count == 16) {
      const v16 a = load16(Y + 2 * begin), b = load16(Y + 2 * begin + 16);
      px = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      py = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    } else {
      for (int j = 0; j < 16; ++j) {
        const int64_t i = begin + std::min(j, count - 1);
        px[j] = Y[2 * i];
        py[j] = Y[2 * i + 1];
      }
    }
    const v16 ux = (px - g.x0) * g.intervals_per_length, uy = (py - g.y0) * g.intervals_per_length;
    const vi16 last = vi16{} + (g.intervals - 1);
    vi16 ix = __builtin_convertvector(ux, vi16), iy = __builtin_convertvector(uy, vi16);
    ix = ix > last ? last : ix;
    iy = iy > last ? last : iy;
    lagrange.weights(ux - __builtin_convertvector(ix, v16), wx);
    lagrange.weights(uy - __builtin_convertvector(iy, v16), wy);
    const vi16 offsets = (iy * (P * g.nodes()) + ix * P) * kCharges;
    std::memcpy(at, &offsets, sizeof at);
    const float inv_radius = 1.0f / g.radius;
    x = (px - g.cx) * inv_radius;
    y = (py - g.cy) * inv_radius;
  }
};

}  // namespace lookalike
