// kernels/cuda/fft.cuh on the host (through the cuda_runtime.h beside this file) against a
// naive DFT: the forward transform gives frequency k2 + 3 k1 at k2 L + bitreverse(k1) (plain
// bit reversal for powers of two), the inverse undoes it, and multiplying in that order
// convolves circularly; fft_length_at_least picks the shortest 2^m or 3 * 2^m. Prints one
// line per length and exits 1 on any failure.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <random>
#include <vector>

#include "../../../kernels/cuda/fft.cuh"

using namespace lookalike::cuda;
using Complex = std::complex<double>;

namespace {

// twiddle_kernel's table (grid_convolution.cu), as fft.cuh defines it.
std::vector<float2> twiddles() {
  std::vector<float2> table(kTwiddles);
  for (int t = 0; t < kTwiddles; ++t) {
    const double turns =
        t < kTwiddle3 ? static_cast<double>(t) / kMaxFft : static_cast<double>(t - kTwiddle3) / kMaxFft3;
    table[t] = make_float2(static_cast<float>(std::cos(2 * M_PI * turns)),
                           static_cast<float>(-std::sin(2 * M_PI * turns)));
  }
  return table;
}

int frequency_at(int p, int size) {
  const int L = size & -size;
  int bits = 0, k1 = 0;
  while ((1 << bits) < L) ++bits;
  for (int i = 0; i < bits; ++i) k1 |= (((p % L) >> i) & 1) << (bits - 1 - i);
  return L == size ? k1 : p / L + 3 * k1;
}

Complex of(float2 v) { return {v.x, v.y}; }

}  // namespace

int main() {
  const std::vector<float2> table = twiddles();
  std::mt19937 random(7);
  std::uniform_real_distribution<float> uniform(-1, 1);
  bool ok = true;
  for (int size : {2, 3, 4, 6, 8, 12, 16, 24, 96, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192}) {
    std::vector<Complex> root(size);
    for (int t = 0; t < size; ++t) root[t] = std::polar(1.0, -2 * M_PI * t / size);
    std::vector<float2> x(size), k(size);
    for (float2& v : x) v = make_float2(uniform(random), uniform(random));
    for (float2& v : k) v = make_float2(uniform(random), 0.0f);
    std::vector<float2> X = x, K = k;
    fft_forward(X.data(), size, table.data());
    fft_forward(K.data(), size, table.data());

    std::vector<int> hits(size);
    double forward = 0, largest = 0;
    for (int p = 0; p < size; ++p) {
      const int f = frequency_at(p, size);
      ++hits[f];
      Complex want = 0;
      for (int n = 0; n < size; ++n) want += of(x[n]) * root[static_cast<int64_t>(n) * f % size];
      forward = std::max(forward, std::abs(of(X[p]) - want));
      largest = std::max(largest, std::abs(want));
    }
    const bool permutation = std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; });

    std::vector<float2> back = X, product = X;
    fft_inverse(back.data(), size, table.data());
    for (int p = 0; p < size; ++p) product[p] = cmul(X[p], K[p]);
    fft_inverse(product.data(), size, table.data());
    double inverse = 0, convolution = 0, scale = 0;
    for (int n = 0; n < size; ++n) {
      inverse = std::max(inverse, std::abs(of(back[n]) / static_cast<double>(size) - of(x[n])));
      Complex want = 0;
      for (int m = 0; m < size; ++m) want += of(x[m]) * static_cast<double>(k[(n - m + size) % size].x);
      convolution = std::max(convolution, std::abs(of(product[n]) / static_cast<double>(size) - want));
      scale = std::max(scale, std::abs(want));
    }
    const bool good = permutation && forward / largest < 1e-6 && inverse < 2e-6 && convolution / scale < 1e-5;
    ok = ok && good;
    std::printf("length %d: %s, forward %.1e, inverse %.1e, convolution %.1e%s\n", size,
                permutation ? "a permutation" : "NOT a permutation", forward / largest, inverse, convolution / scale,
                good ? "" : " FAILED");
  }
  for (int need = 1; need <= kMaxFft; ++need) {
    int want = 1 << 30;
    for (int p = 1; p <= 2 * kMaxFft; p <<= 1)
      for (int f : {p, 3 * p})
        if (f >= need) want = std::min(want, f);
    const int got = fft_length_at_least(need), L = got & -got;
    if (got != want || (L != got && got > kMaxFft3)) {
      std::printf("fft_length_at_least(%d) = %d, not %d FAILED\n", need, got, want);
      ok = false;
    }
  }
  std::printf("fft_length_at_least(1151) = %d\n", fft_length_at_least(1151));
  return ok ? 0 : 1;
}
