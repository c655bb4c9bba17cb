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
  int report_every = 10;  // call `report` every this many iterations and after the last
  int kl_every = 50;      // refresh the KL estimate (one logarithm per P entry) this often
  int threads = 0;
};

// Progress: (iterations done in this call, the latest KL(P || Q) of Y, with exaggeration
// 1, computed during a gradient pass) -> true to stop early.
using OptimizeReport = std::function<bool(int, double)>;

struct GradientResult {
  double z;  // sum_{i != j} q_ij
  // With with_kl, KL(P || Q) at exaggeration 1 minus the constant sum p log p
  // (p_log_p below); else NaN.
  double kl_part;
};

double p_log_p(const CsrView& P);

// grad = exaggeration * attraction - repulsion / Z, written to `grad` (n x 2); `scratch`
// (n x 2) holds the repulsion meanwhile.
GradientResult tsne_gradient(const CsrView& P, const float* Y, double exaggeration, Repulsion repulsion,
                             const FftParams& fft, bool with_kl, float* grad, float* scratch, int threads);

// Optimises Y (n x 2) in place. `update` and `gains` (n x 2 each) carry the optimiser
// state between calls (zeros and ones at the start). Returns iterations done.
int tsne_optimize(const CsrView& P, float* Y, float* update, float* gains,
                  const OptimizeParams& params, const OptimizeReport& report);

}  // namespace lookalike
