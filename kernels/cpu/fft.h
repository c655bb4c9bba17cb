// Complex FFTs of one 5-smooth length, 16 sequences at a time: element k of a batch is
// one v16 of real parts and one of imaginary parts, lane b belonging to sequence b, so
// every butterfly is whole-vector arithmetic whatever the length. Stockham autosort
// (out of place, natural order in and out), radices 2, 3, 4, 5, 8, 9.
#pragma once
#include <vector>

#include "simd.h"

namespace lookalike {

struct Batch {
  v16* re;
  v16* im;
};

// Which part of the data a transform may skip: the zero-padded half of a convolution's
// input, or the half of its output that wraps around.
enum class FftPrune { none, upper_input_zero, lower_output_only };

class FftPlan {
 public:
  // n must be even and 5-smooth (see fft_size_at_least).
  explicit FftPlan(int n);

  // Unnormalised forward DFT (exp(-2 pi i jk / n)) of x, using y (n elements) as scratch;
  // returns whichever of the two holds the result. With upper_input_zero, elements n/2..
  // of x are taken as zero and not read; with lower_output_only, only elements 0..n/2-1
  // of the result are written.
  Batch forward(Batch x, Batch y, FftPrune prune = FftPrune::none) const;
  // The same with exp(+2 pi i jk / n): the forward transform with re and im swapped.
  Batch inverse(Batch x, Batch y, FftPrune prune = FftPrune::none) const {
    Batch r = forward({x.im, x.re}, {y.im, y.re}, prune);
    return {r.im, r.re};
  }

 private:
  struct Pass {
    int radix, m, s;  // as in the Stockham pass (fft.cc)
    size_t twiddle;   // offset of its m x (radix - 1) twiddles, (cos, sin) pairs
  };
  int n_;
  std::vector<Pass> head_even_, tail_even_;  // an even radix first / last, for pruning
  std::vector<float> twiddles_;
  std::vector<Pass> build(const std::vector<int>& radices);
};

// The smallest even 5-smooth number >= n.
int fft_size_at_least(int n);

}  // namespace lookalike
