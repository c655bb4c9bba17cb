#include "lookalike/tsne_optimize.h"

#include <cmath>
#include <vector>

#include "attraction.h"
#include "lookalike/parallel.h"
#include "lookalike/status.h"

namespace lookalike {
double p_log_p(const CsrView& P) {
  double s = 0;
  for (int32_t e = 0; e < P.indptr[P.rows]; ++e)
    if (P.values[e] > 0) s += P.values[e] * std::log(static_cast<double>(P.values[e]));
  return s;
}

namespace {

GradientResult gradient(Attraction& attraction, int64_t n, const float* Y, double exaggeration, Repulsion repulsion,
                        const FftParams& fft, bool with_kl, float* grad, float* scratch, int threads) {
  const double z = repulsion == Repulsion::fft ? repulsion_fft(Y, n, fft, scratch, threads)
                                               : repulsion_exact(Y, n, scratch, threads);
  const double attract_kl = attraction.run(Y, grad, with_kl);
  const float exag = static_cast<float>(exaggeration), inv_z = static_cast<float>(1.0 / z);
  for (int64_t c = 0; c < 2 * n; ++c) grad[c] = exag * grad[c] - scratch[c] * inv_z;
  return {z, with_kl ? attract_kl + std::log(z) : NAN};
}

}  // namespace

GradientResult tsne_gradient(const CsrView& P, const float* Y, double exaggeration, Repulsion repulsion,
                             const FftParams& fft, bool with_kl, float* grad, float* scratch, int threads) {
  Attraction attraction(P, threads);
  return gradient(attraction, P.rows, Y, exaggeration, repulsion, fft, with_kl, grad, scratch, threads);
}

int tsne_optimize(const CsrView& P, float* Y, float* update, float* gains,
                  const OptimizeParams& params, const OptimizeReport& report) {
  const int64_t n = P.rows;
  const int threads = resolve_threads(params.threads);
  std::vector<float> grad(2 * n), scratch(2 * n);
  const double entropy = p_log_p(P);
  Attraction attraction(P, threads);
  double kl = NAN;
  for (int it = 0; it < params.iterations; ++it) {
    const bool last = it + 1 == params.iterations;
    const bool want_kl = (it + 1) % params.kl_every == 0 || last;
    const GradientResult g = gradient(attraction, n, Y, params.exaggeration, params.repulsion, params.fft, want_kl,
                                      grad.data(), scratch.data(), threads);
    if (want_kl) kl = entropy + g.kl_part;
    const float rate = static_cast<float>(params.learning_rate);
    const float momentum = static_cast<float>(params.momentum);
    const float min_gain = static_cast<float>(params.min_gain);
    for (int64_t c = 0; c < 2 * n; ++c) {
      // Delta-bar-delta: grow the gain while the step keeps its direction.
      float gain = (update[c] * grad[c] < 0) ? gains[c] + 0.2f : gains[c] * 0.8f;
      gain = gain < min_gain ? min_gain : gain;
      gains[c] = gain;
      update[c] = momentum * update[c] - rate * gain * grad[c];
      Y[c] += update[c];
    }
    if (!std::isfinite(Y[0]) || !std::isfinite(g.z))
      throw KernelError("KERNEL_FAILED", "t-SNE diverged (non-finite coordinates); lower the learning rate");
    if ((it + 1) % params.report_every == 0 || last)
      if (report && report(it + 1, kl)) return it + 1;
  }
  return params.iterations;
}

}  // namespace lookalike
