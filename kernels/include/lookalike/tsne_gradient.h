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
// O(n^2), each row summed in double.
double repulsion_exact(const float* Y, int64_t n, float* out, int threads);

// The grid of repulsion_fft: a square box around all points, split into
// max(min_intervals, ceil(extent * intervals_per_unit)) intervals per dimension (rounded
// up so that the FFT length 2 * intervals * points_per_interval is 5-smooth). The error
// comes from interpolating the kernel over an interval: at the defaults, relative error
// of the forces about 2e-5 at an extent of 5, 4e-4 at 15 and 1.4e-2 at 100 (Z: 2e-4).
// Below 1e-3 at 100: 4 points per interval and 2 intervals per unit (2e-4), or 3 per
// unit (5e-4); time grows with the square of the nodes per dimension.
struct FftParams {
  int points_per_interval = 3;   // Lagrange nodes per interval and dimension, 2..6
  int min_intervals = 50;        // intervals per dimension, at least
  double intervals_per_unit = 1; // intervals per unit of the embedding's extent
};

// Same as repulsion_exact, approximated by polynomial interpolation on a grid with the
// convolution done by FFT (Linderman et al. 2019): O(n + nodes^2 log nodes). The grids
// are float: errors are small next to the whole (the forces' norm, Z of a dense layout),
// not next to tiny values (two points 600 apart: forces 2e-4 instead of 5e-9, Z 1.7
// instead of 6e-6). Throws
// KernelError BAD_ARGUMENT beyond 2,048 grid nodes per dimension. The calling thread keeps
// its grids for its next call (about (64 + 16 threads) nodes^2 bytes: 10 MB at an extent
// of 100). Deterministic for a thread count.
double repulsion_fft(const float* Y, int64_t n, const FftParams& params, float* out, int threads);

}  // namespace lookalike
