#include "grid_convolution.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "fft.h"
#include "lookalike/parallel.h"
#include "shuffle16.h"

namespace lookalike {
namespace {

constexpr int kLanes = 16;
constexpr int kAhead = 8;  // rows prefetched ahead of strided loads

int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// dst[l * stride + j] = src[j][l] for l < 16, j < count (a multiple of 16).
void store_transposed(const v16* src, int64_t count, float* dst, int64_t stride) {
  for (int64_t j = 0; j < count; j += kLanes) {
    v16 t[kLanes];
    for (int k = 0; k < kLanes; ++k) t[k] = src[j + k];
    transpose16(t);
    for (int l = 0; l < kLanes; ++l) store16(dst + l * stride + j, t[l]);
  }
}

// dst[j][l] = src[l * stride + j] for l < 16, j < count (a multiple of 16).
void load_transposed(const float* src, int64_t stride, int64_t count, v16* dst) {
  for (int64_t j = 0; j < count; j += kLanes) {
    v16 t[kLanes];
    for (int l = 0; l < kLanes; ++l) t[l] = load16(src + l * stride + j);
    transpose16(t);
    for (int k = 0; k < kLanes; ++k) dst[j + k] = t[k];
  }
}

// Sizes: the circulant embedding has S = 2N points per dimension. Transposed grids hold
// one row per column of the charge grid (rows rounded up to whole 16-lane batches), each
// row S values rounded up to whole vectors.
struct Layout {
  int N, S, H;
  int64_t rows, stride;
  explicit Layout(int nodes)
      : N(nodes), S(2 * nodes), H(nodes), rows(round_up(nodes, kLanes)), stride(round_up(2 * nodes, kLanes)) {}
};

// One thread's FFT buffers: for each of two complex grids, data and ping-pong scratch,
// each `stride` vectors of which the transforms use the first S; the rest is zeroed so
// that what is copied out past S is zero.
class Scratch {
 public:
  Scratch(float* base, const Layout& L) : buf_(reinterpret_cast<v16*>(base)), length_(L.stride) {
    for (int k = 0; k < 8; ++k)
      for (int64_t j = L.S; j < length_; ++j) buf_[k * length_ + j] = v16{};
  }
  static int64_t floats(const Layout& L) { return 8 * L.stride * kLanes; }
  Batch data(int g) { return {buf_ + (4 * g) * length_, buf_ + (4 * g + 1) * length_}; }
  Batch spare(int g) { return {buf_ + (4 * g + 2) * length_, buf_ + (4 * g + 3) * length_}; }
  static Batch other(Batch used, Batch a, Batch b) { return used.re == a.re ? b : a; }

 private:
  v16* buf_;
  int64_t length_;
};

// The kernel's DFT over the S x S circulant, divided by S^2 (the inverse's normalisation),
// as rows of kx <= H: spectrum[kx * stride + ky], row S - kx being row kx. The kernel is
// real, even in both dimensions and symmetric under x <-> y, so is its DFT: two real
// columns share one complex transform (real and imaginary part), only half of each
// dimension is transformed, and the transform along x for fixed ky is written as row ky.
float* kernel_spectrum(const Layout& L, const GridConvolutionSpec& spec, const FftPlan& plan, float* const* scratch,
                       int threads, Arena& arena) {
  const int S = L.S, H = L.H;
  const int64_t half = round_up(H + 1, 2 * kLanes), at_stride = std::max(L.stride, half);
  float* along_y = arena.floats(half * at_stride);  // [x][ky], x < half
  if (at_stride > L.stride) std::fill(along_y, along_y + half * at_stride, 0.0f);
  const float h2 = static_cast<float>(spec.spacing * spec.spacing);
  parallel_for(half / (2 * kLanes), threads, [&](int64_t b0, int64_t b1, int part) {
    Scratch s(scratch[part], L);
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t x0 = b * 2 * kLanes;
      v16 dx2[2];
      for (int l = 0; l < 2 * kLanes; ++l) {
        const int64_t x = x0 + l;
        dx2[l / kLanes][l % kLanes] = x <= H ? static_cast<float>(x * x) : 0.0f;
      }
      Batch d = s.data(0);
      for (int y = 0; y < S; ++y) {
        const float dy = static_cast<float>(std::min(y, S - y));
        d.re[y] = h2 * (dx2[0] + dy * dy);
        d.im[y] = h2 * (dx2[1] + dy * dy);
      }
      spec.kernel(d.re, S);
      spec.kernel(d.im, S);
      const Batch r = plan.forward(d, s.spare(0));
      store_transposed(r.re, L.stride, along_y + x0 * at_stride, at_stride);
      store_transposed(r.im, L.stride, along_y + (x0 + kLanes) * at_stride, at_stride);
    }
  });
  float* spectrum = arena.floats(half * L.stride);
  const float scale = 1.0f / (static_cast<float>(S) * static_cast<float>(S));
  parallel_for(half / (2 * kLanes), threads, [&](int64_t c0, int64_t c1, int part) {
    Scratch s(scratch[part], L);
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t ky0 = c * 2 * kLanes;
      Batch d = s.data(0);
      for (int x = 0; x < S; ++x) {
        const float* row = &along_y[std::min(x, S - x) * at_stride + ky0];
        d.re[x] = load16(row);
        d.im[x] = load16(row + kLanes);
      }
      const Batch r = plan.forward(d, s.spare(0));
      for (int kx = 0; kx < S; ++kx) {
        r.re[kx] *= scale;
        r.im[kx] *= scale;
      }
      store_transposed(r.re, L.stride, spectrum + ky0 * L.stride, L.stride);
      store_transposed(r.im, L.stride, spectrum + (ky0 + kLanes) * L.stride, L.stride);
    }
  });
  return spectrum;
}

}  // namespace

void convolve_grid(const GridConvolutionSpec& spec, const float* const* charges, int parts,
                   float* potentials, int threads, Arena& arena) {
  const Layout L(spec.nodes);
  const int N = L.N;
  const FftPlan plan(L.S);
  std::vector<float*> scratch(parallel_parts(L.stride / kLanes, threads));  // the most parts of any loop
  for (float*& s : scratch) s = arena.floats(Scratch::floats(L));
  const float* spectrum = kernel_spectrum(L, spec, plan, scratch.data(), threads, arena);

  // Two complex grids: charges (0, 1) as real and imaginary parts of one, (2, 3) of the
  // other; the kernel's spectrum is real, so the two never mix. Transposed: [x][ky].
  const int64_t cells = L.rows * L.stride;
  float* t_re[2] = {arena.floats(cells), arena.floats(cells)};
  float* t_im[2] = {arena.floats(cells), arena.floats(cells)};

  // Columns forward (along y), 16 columns at a time; lanes past N carry finite garbage.
  parallel_for(L.rows / kLanes, threads, [&](int64_t b0, int64_t b1, int part) {
    Scratch s(scratch[part], L);
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t x0 = b * kLanes;
      for (int y = 0; y < N; ++y) {
        const int64_t at = (static_cast<int64_t>(y) * N + x0) * kCharges;
        v16 in[kCharges], c[kCharges];
        for (int k = 0; k < kCharges; ++k) in[k] = load16(charges[0] + at + k * kLanes);
        for (int t = 1; t < parts; ++t)
          for (int k = 0; k < kCharges; ++k) in[k] += load16(charges[t] + at + k * kLanes);
        deinterleave4(in, c);
        s.data(0).re[y] = c[0];
        s.data(0).im[y] = c[1];
        s.data(1).re[y] = c[2];
        s.data(1).im[y] = c[3];
      }
      for (int g = 0; g < 2; ++g) {
        const Batch r = plan.forward(s.data(g), s.spare(g), FftPrune::upper_input_zero);
        store_transposed(r.re, L.stride, t_re[g] + x0 * L.stride, L.stride);
        store_transposed(r.im, L.stride, t_im[g] + x0 * L.stride, L.stride);
      }
    }
  });

  // Rows (along x), 16 frequencies ky at a time: forward, times the spectrum, inverse,
  // keeping x < N; in place.
  parallel_for(L.stride / kLanes, threads, [&](int64_t c0, int64_t c1, int part) {
    Scratch s(scratch[part], L);
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t ky0 = c * kLanes;
      for (int g = 0; g < 2; ++g) {
        Batch d = s.data(g);
        for (int x = 0; x < N; ++x) {
          __builtin_prefetch(t_re[g] + (x + kAhead) * L.stride + ky0);
          __builtin_prefetch(t_im[g] + (x + kAhead) * L.stride + ky0);
          d.re[x] = load16(t_re[g] + x * L.stride + ky0);
          d.im[x] = load16(t_im[g] + x * L.stride + ky0);
        }
        const Batch f = plan.forward(d, s.spare(g), FftPrune::upper_input_zero);
        for (int kx = 0; kx < L.S; ++kx) {
          __builtin_prefetch(spectrum + std::min(kx + kAhead, L.S - kx - kAhead) * L.stride + ky0);
          const v16 k = load16(spectrum + std::min(kx, L.S - kx) * L.stride + ky0);
          f.re[kx] *= k;
          f.im[kx] *= k;
        }
        const Batch r = plan.inverse(f, Scratch::other(f, d, s.spare(g)), FftPrune::lower_output_only);
        for (int x = 0; x < N; ++x) {
          store16(t_re[g] + x * L.stride + ky0, r.re[x]);
          store16(t_im[g] + x * L.stride + ky0, r.im[x]);
        }
      }
    }
  });

  // Columns inverse (along ky back to y), keeping y < N, into the interleaved potentials.
  parallel_for(L.rows / kLanes, threads, [&](int64_t b0, int64_t b1, int part) {
    Scratch s(scratch[part], L);
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t x0 = b * kLanes;
      Batch r[2];
      for (int g = 0; g < 2; ++g) {
        Batch d = s.data(g);
        load_transposed(t_re[g] + x0 * L.stride, L.stride, L.stride, d.re);
        load_transposed(t_im[g] + x0 * L.stride, L.stride, L.stride, d.im);
        r[g] = plan.inverse(d, s.spare(g), FftPrune::lower_output_only);
      }
      const int64_t floats = std::min<int64_t>(kLanes, N - x0) * kCharges;
      for (int y = 0; y < N; ++y) {
        const v16 c[kCharges] = {r[0].re[y], r[0].im[y], r[1].re[y], r[1].im[y]};
        v16 out[kCharges];
        interleave4(c, out);
        std::memcpy(potentials + (static_cast<int64_t>(y) * N + x0) * kCharges, out, floats * sizeof(float));
      }
    }
  });
}

}  // namespace lookalike
