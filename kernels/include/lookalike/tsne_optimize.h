// Gradient descent for t-SNE with momentum and gains (Jacobs' delta-bar-delta).
#pragma once
#include <cstdint>
#include <functional>
#include "lookalike/csr.h"
#include "lookalike/tsne_gradient.h"

namespace lookalike {

enum class Repulsion { exact, fft };

struct OptimizeParams {
  int iterations = 250;
  double exaggeration = 1;
  double learning_rate = 200;
  double momentum = 0.8;
  double min_gain = 0.01;
  Repulsion repulsion = Repulsion::fft;
  FftParams fft;
  int report_every = 50;  // call `report` every this many iterations and after the last
  int threads = 0;
};

// Progress: (iterations done in this call, KL divergence of the current Y under P
// (with exaggeration 1, computed from the same gradient pass)) -> true to stop early.
using OptimizeReport = std::function<bool(int, double)>;

// Optimises Y (n x 2) in place. `update` and `gains` (n x 2 each) carry the optimiser
// state between calls (zeros and ones at the start). Returns iterations done.
int tsne_optimize(const CsrView& P, float* Y, float* update, float* gains,
                  const OptimizeParams& params, const OptimizeReport& report);

}  // namespace lookalike
