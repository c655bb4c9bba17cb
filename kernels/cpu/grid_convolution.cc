#include "grid_convolution.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "fft.h"
#include "lookalike/parallel.h"
#include "shuffle16.h"

namespace lookalike {
namespace {

constexpr int kLanes = 16;

int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// Transposed grids are tiled: columns in blocks of 16, each block a run of rows of 16
// values, so a batch of 16 columns is one contiguous stream and a 16 x 16 tile one
// contiguous kilobyte. Value (row, col) of a tiled grid with `rows` rows:
inline int64_t tiled(int64_t rows, int64_t row, int64_t col) { return ((col / 16) * rows + row) * 16 + col % 16; }

// tiled(rows, row0 + l, j) = src[j][l] for l < 16, j < count (a multiple of 16).
void store_transposed(const v16* src, int64_t count, float* dst, int64_t rows, int64_t row0) {
  for (int64_t j = 0; j < count; j += kLanes) {
    v16 t[kLanes];
    for (int k = 0; k < kLanes; ++k) t[k] = src[j + k];
    transpose16(t);
    float* tile = dst + tiled(rows, row0, j);
    for (int l = 0; l < kLanes; ++l) store16(tile + l * kLanes, t[l]);
  }
}

// dst[j][l] = tiled(rows, row0 + l, j) for l < 16, j < count (a multiple of 16).
void load_transposed(const float* src, int64_t rows, int64_t row0, int64_t count, v16* dst) {
  for (int64_t j = 0; j < count; j += kLanes) {
    v16 t[kLanes];
    const float* tile = src + tiled(rows, row0, j);
    for (int l = 0; l < kLanes; ++l) t[l] = load16(tile + l * kLanes);
    transpose16(t);
    for (int k = 0; k < kLanes; ++k) dst[j + k] = t[k];
  }
}

// One parallel region for two independent lists of tasks (each parallel_for starts its
// threads anew): work(part, parts) once per part, each part taking its slice of both.
template <typename F>
void for_parts(int64_t tasks, int threads, F&& work) {
  const int parts = parallel_parts(tasks, threads);
  parallel_for(parts, threads, [&](int64_t, int64_t, int part) { work(part, parts); });
}

// [begin, end) of `count` tasks that part `part` of `parts` takes.
inline std::pair<int64_t, int64_t> slice(int64_t count, int part, int parts) {
  return {count * part / parts, count * (part + 1) / parts};
}

// The convolution by FFT of the circulant embedding, S = 2N points per dimension, in
// batches of 16 sequences (one per vector lane):
//  1. kernel columns: the kernel's DFT along y;
//  2. charge columns: each charge grid's DFT along y (the upper half is zero padding),
//     stored transposed, [x][ky]; with them, kernel rows: the kernel's DFT along x;
//  3. rows: per 16 frequencies ky, the DFT along x, times the kernel's spectrum, and the
//     inverse DFT along x, keeping x < N;
//  4. potential columns: the inverse DFT along y, keeping y < N, into the potentials.
// Four real charges travel as two complex grids, charges (0, 1) and (2, 3) as real and
// imaginary parts: the kernel's spectrum is real, so the parts never mix.
class Convolution {
 public:
  Convolution(const GridConvolutionSpec& spec, const float* const* charges, int parts, float* potentials,
              int threads, Arena& arena)
      : spec_(spec),
        N_(spec.nodes),
        S_(2 * spec.nodes),
        H_(spec.nodes),
        rows_(round_up(N_, kLanes)),
        stride_(round_up(S_, kLanes)),
        half_(round_up(H_ + 1, 2 * kLanes)),
        kernel_stride_(std::max(stride_, half_)),
        plan_(S_),
        charges_(charges),
        parts_(parts),
        potentials_(potentials) {
    scratch_.resize(parallel_parts(stride_ / kLanes, threads));  // the most parts of any step
    for (float*& s : scratch_) s = arena.floats(8 * stride_ * kLanes);
    along_y_ = arena.floats(half_ * kernel_stride_);
    if (kernel_stride_ > stride_) std::fill(along_y_, along_y_ + half_ * kernel_stride_, 0.0f);  // never written
    spectrum_ = arena.floats(half_ * stride_);
    for (int g = 0; g < 2; ++g) t_re_[g] = arena.floats(rows_ * stride_), t_im_[g] = arena.floats(rows_ * stride_);
  }

  void run(int threads) {
    const int64_t kernel_batches = half_ / (2 * kLanes), column_batches = rows_ / kLanes;
    parallel_for(kernel_batches, threads, [&](int64_t b0, int64_t b1, int part) {
      Scratch s(scratch_[part], *this);
      for (int64_t b = b0; b < b1; ++b) kernel_columns(b, s);
    });
    for_parts(std::max(kernel_batches, column_batches), threads, [&](int part, int parts) {
      Scratch s(scratch_[part], *this);
      const auto [c0, c1] = slice(kernel_batches, part, parts);
      for (int64_t c = c0; c < c1; ++c) kernel_rows(c, s);
      const auto [b0, b1] = slice(column_batches, part, parts);
      for (int64_t b = b0; b < b1; ++b) charge_columns(b, s);
    });
    parallel_for(stride_ / kLanes, threads, [&](int64_t c0, int64_t c1, int part) {
      Scratch s(scratch_[part], *this);
      for (int64_t c = c0; c < c1; ++c) rows(c, s);
    });
    parallel_for(column_batches, threads, [&](int64_t b0, int64_t b1, int part) {
      Scratch s(scratch_[part], *this);
      for (int64_t b = b0; b < b1; ++b) potential_columns(b, s);
    });
  }

 private:
  // One thread's FFT buffers: for each of two complex grids, data and ping-pong scratch,
  // each `stride` vectors of which the transforms use the first S; the rest is zeroed so
  // that what is copied out past S is zero.
  class Scratch {
   public:
    Scratch(float* base, const Convolution& c) : buf_(reinterpret_cast<v16*>(base)), length_(c.stride_) {
      for (int k = 0; k < 8; ++k)
        for (int64_t j = c.S_; j < length_; ++j) buf_[k * length_ + j] = v16{};
    }
    Batch data(int g) { return {buf_ + (4 * g) * length_, buf_ + (4 * g + 1) * length_}; }
    Batch spare(int g) { return {buf_ + (4 * g + 2) * length_, buf_ + (4 * g + 3) * length_}; }
    static Batch other(Batch used, Batch a, Batch b) { return used.re == a.re ? b : a; }

   private:
    v16* buf_;
    int64_t length_;
  };

  // The kernel is real, even in both dimensions and symmetric under x <-> y, so is its
  // DFT: columns x <= H suffice, two real ones share a complex transform (real and
  // imaginary part), and the DFT along x for fixed ky is row ky of the spectrum. Kept:
  // rows kx <= H (row S - kx is row kx), divided by S^2, the inverse's normalisation.
  void kernel_columns(int64_t b, Scratch& s) const {
    const int64_t x0 = b * 2 * kLanes;
    const float h2 = static_cast<float>(spec_.spacing * spec_.spacing);
    v16 dx2[2];
    for (int l = 0; l < 2 * kLanes; ++l) {
      const int64_t x = x0 + l;
      dx2[l / kLanes][l % kLanes] = x <= H_ ? static_cast<float>(x * x) : 0.0f;
    }
    const Batch d = s.data(0);
    for (int y = 0; y < S_; ++y) {
      const float dy = static_cast<float>(std::min(y, S_ - y));
      d.re[y] = h2 * (dx2[0] + dy * dy);
      d.im[y] = h2 * (dx2[1] + dy * dy);
    }
    spec_.kernel(d.re, S_);
    spec_.kernel(d.im, S_);
    const Batch r = plan_.forward(d, s.spare(0));
    store_transposed(r.re, stride_, along_y_, half_, x0);
    store_transposed(r.im, stride_, along_y_, half_, x0 + kLanes);
  }

  void kernel_rows(int64_t c, Scratch& s) const {
    const int64_t ky0 = c * 2 * kLanes;
    const Batch d = s.data(0);
    for (int x = 0; x < S_; ++x) {
      d.re[x] = load16(along_y_ + tiled(half_, std::min(x, S_ - x), ky0));
      d.im[x] = load16(along_y_ + tiled(half_, std::min(x, S_ - x), ky0 + kLanes));
    }
    const Batch r = plan_.forward(d, s.spare(0));
    const float scale = 1.0f / (static_cast<float>(S_) * static_cast<float>(S_));
    for (int kx = 0; kx < S_; ++kx) {
      r.re[kx] *= scale;
      r.im[kx] *= scale;
    }
    store_transposed(r.re, stride_, spectrum_, half_, ky0);
    store_transposed(r.im, stride_, spectrum_, half_, ky0 + kLanes);
  }

  // Columns x0..x0+15 (lanes past N carry finite garbage), summing the parts' grids.
  void charge_columns(int64_t b, Scratch& s) const {
    const int64_t x0 = b * kLanes;
    for (int y = 0; y < N_; ++y) {
      const int64_t at = (static_cast<int64_t>(y) * N_ + x0) * kCharges;
      v16 in[kCharges], c[kCharges];
      for (int k = 0; k < kCharges; ++k) in[k] = load16(charges_[0] + at + k * kLanes);
      for (int t = 1; t < parts_; ++t)
        for (int k = 0; k < kCharges; ++k) in[k] += load16(charges_[t] + at + k * kLanes);
      deinterleave4(in, c);
      s.data(0).re[y] = c[0];
      s.data(0).im[y] = c[1];
      s.data(1).re[y] = c[2];
      s.data(1).im[y] = c[3];
    }
    for (int g = 0; g < 2; ++g) {
      const Batch r = plan_.forward(s.data(g), s.spare(g), FftPrune::upper_input_zero);
      store_transposed(r.re, stride_, t_re_[g], rows_, x0);
      store_transposed(r.im, stride_, t_im_[g], rows_, x0);
    }
  }

  // Frequencies ky0..ky0+15, in place in the transposed grids.
  void rows(int64_t c, Scratch& s) const {
    const int64_t ky0 = c * kLanes;
    const float* spectrum = spectrum_ + tiled(half_, 0, ky0);
    for (int g = 0; g < 2; ++g) {
      const Batch d = s.data(g);
      float* re = t_re_[g] + tiled(rows_, 0, ky0);
      float* im = t_im_[g] + tiled(rows_, 0, ky0);
      for (int x = 0; x < N_; ++x) {
        d.re[x] = load16(re + x * kLanes);
        d.im[x] = load16(im + x * kLanes);
      }
      const Batch f = plan_.forward(d, s.spare(g), FftPrune::upper_input_zero);
      for (int kx = 0; kx < S_; ++kx) {
        const v16 k = load16(spectrum + std::min(kx, S_ - kx) * kLanes);
        f.re[kx] *= k;
        f.im[kx] *= k;
      }
      const Batch r = plan_.inverse(f, Scratch::other(f, d, s.spare(g)), FftPrune::lower_output_only);
      for (int x = 0; x < N_; ++x) {
        store16(re + x * kLanes, r.re[x]);
        store16(im + x * kLanes, r.im[x]);
      }
    }
  }

  // Columns x0..x0+15 back to y < N, interleaved into the potentials.
  void potential_columns(int64_t b, Scratch& s) const {
    const int64_t x0 = b * kLanes;
    Batch r[2];
    for (int g = 0; g < 2; ++g) {
      const Batch d = s.data(g);
      load_transposed(t_re_[g], rows_, x0, stride_, d.re);
      load_transposed(t_im_[g], rows_, x0, stride_, d.im);
      r[g] = plan_.inverse(d, s.spare(g), FftPrune::lower_output_only);
    }
    const int64_t floats = std::min<int64_t>(kLanes, N_ - x0) * kCharges;
    for (int y = 0; y < N_; ++y) {
      const v16 c[kCharges] = {r[0].re[y], r[0].im[y], r[1].re[y], r[1].im[y]};
      v16 out[kCharges];
      interleave4(c, out);
      std::memcpy(potentials_ + (static_cast<int64_t>(y) * N_ + x0) * kCharges, out, floats * sizeof(float));
    }
  }

  const GridConvolutionSpec spec_;
  const int N_, S_, H_;
  // Rows of the transposed grids (N rounded up to whole batches), their length (S
  // rounded up to whole vectors), kernel columns kept (H + 1 rounded up to pairs of
  // batches) and the length of their transposed rows.
  const int64_t rows_, stride_, half_, kernel_stride_;
  const FftPlan plan_;
  const float* const* charges_;
  const int parts_;
  float* potentials_;
  std::vector<float*> scratch_;
  // Tiled (see `tiled`), rows first:
  float* along_y_;   // kernel columns transformed along y, [x][ky], x < half
  float* spectrum_;  // [kx][ky], kx < half
  float* t_re_[2];   // charge grids transformed along y, [x][ky]
  float* t_im_[2];
};

}  // namespace

void convolve_grid(const GridConvolutionSpec& spec, const float* const* charges, int parts,
                   float* potentials, int threads, Arena& arena) {
  Convolution(spec, charges, parts, potentials, threads, arena).run(threads);
}

}  // namespace lookalike
