// Principal component projection by randomised SVD (Halko, Martinsson & Tropp 2011).
#pragma once
#include <cstdint>

namespace lookalike {

struct PcaParams {
  int components = 50;
  int power_iterations = 2;  // subspace iterations; 2 captures the leading variance to ~1e-4 here
  uint64_t seed = 1;
  int threads = 0;
};

// X: n x d row-major. Writes the centred scores, n x components row-major, ordered by
// decreasing variance with a deterministic sign (largest |score| of each column
// positive), and each component's variance into `variance` (may be null).
void pca_project(const float* X, int64_t n, int d, const PcaParams& params, float* scores,
                 double* variance);

}  // namespace lookalike
