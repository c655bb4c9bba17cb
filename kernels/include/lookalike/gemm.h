// Dense products for tall-skinny matrices, the shapes PCA and k-means need. Row-major.
#pragma once
#include <cstdint>

namespace lookalike {

// C (n x m) = A (n x d) * B (d x m).
void gemm_nn(const float* A, int64_t n, int d, const float* B, int m, float* C, int threads);

// C (d x m) = A^T (d x n) * B (n x m): summed over the long dimension n.
void gemm_tn(const float* A, int64_t n, int d, const float* B, int m, float* C, int threads);

}  // namespace lookalike
