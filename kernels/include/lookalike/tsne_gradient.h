// The two halves of the t-SNE gradient for a 2-D embedding Y (n x 2, interleaved).
// KL gradient (without the customary factor 4, as in FIt-SNE and openTSNE):
//   grad_i = exaggeration * attraction_i - repulsion_i / Z
#pragma once
#include <cstdint>
#include "lookalike/csr.h"

namespace lookalike {

// attraction_i = sum_j p_ij q_ij (y_i - y_j), q_ij = 1 / (1 + |y_i - y_j|^2).
// Writes `out` (n x 2). With `with_kl`, returns sum_ij p_ij log(1 + |y_i - y_j|^2), which
// with log Z gives the KL divergence: KL = sum p log p + that + log Z (sum p = 1);
// otherwise returns 0 and skips the logarithms.
double attraction_nn(const CsrView& P, const float* Y, float* out, bool with_kl, int threads);

// repulsion_i = sum_j q_ij^2 (y_i - y_j). Writes `out` (n x 2); returns Z = sum_{i != j} q_ij.
double repulsion_exact(const float* Y, int64_t n, float* out, int threads);

struct FftParams {
  int points_per_interval = 3;   // interpolation nodes per interval and dimension
  int min_intervals = 50;        // intervals per dimension, at least
  double intervals_per_unit = 1; // grid resolution relative to the embedding's extent
};

// Same as repulsion_exact, approximated by polynomial interpolation on a grid with the
// convolution done by FFT (Linderman et al. 2019). Deterministic for a thread count.
double repulsion_fft(const float* Y, int64_t n, const FftParams& params, float* out, int threads);

}  // namespace lookalike
