// The last steps of randomised PCA, shared by the CPU and CUDA versions: with M^T M = U S^2 U^T
// from the range basis Q, the scores are Q U S.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lookalike {

// U S restricted to the first k columns (m x k, row-major), U m x m with eigenvalues S^2.
inline std::vector<float> scaled_components(const std::vector<double>& U, const std::vector<double>& values,
                                            int m, int k) {
  std::vector<float> US(static_cast<size_t>(m) * k);
  for (int r = 0; r < m; ++r)
    for (int c = 0; c < k; ++c)
      US[r * k + c] = static_cast<float>(U[r * m + c] * std::sqrt(std::max(values[c], 0.0)));
  return US;
}

// Flips each score column so its largest |score| is positive (a deterministic sign), and
// writes each component's variance (may be null).
inline void orient_scores(float* scores, int64_t n, int k, const std::vector<double>& values, double* variance) {
  for (int c = 0; c < k; ++c) {
    int64_t arg = 0;
    for (int64_t i = 1; i < n; ++i)
      if (std::abs(scores[i * k + c]) > std::abs(scores[arg * k + c])) arg = i;
    if (scores[arg * k + c] < 0)
      for (int64_t i = 0; i < n; ++i) scores[i * k + c] = -scores[i * k + c];
    if (variance) variance[c] = std::max(values[c], 0.0) / static_cast<double>(std::max<int64_t>(n - 1, 1));
  }
}

}  // namespace lookalike
