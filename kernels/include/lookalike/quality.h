// Embedding quality measures used by tests and benchmarks.
#pragma once
#include <cstdint>
#include "lookalike/csr.h"

namespace lookalike {

// Exact KL(P || Q) with Q the t-SNE Student-t affinities of Y (n x 2, n = P.rows), O(n^2):
// q_ij = w_ij / Z, w_ij = 1 / (1 + |y_i - y_j|^2), Z = sum_{i != j} w_ij. P has no
// diagonal entries; zero entries add nothing.
double kl_divergence_exact(const CsrView& P, const float* Y, int threads);

// Trustworthiness (Venna & Kaski 2001) of the embedding Y (n x 2) of X (n x d) at k
// neighbours, averaged over the query rows `queries` (all rows when null). Ranks are
// exact in both spaces. Needs 1 <= k < n / 2; O(n_queries n d) time, 128 n bytes of
// scratch per thread.
double trustworthiness(const float* X, int64_t n, int d, const float* Y, int k,
                       const int32_t* queries, int64_t n_queries, int threads);

// The mean over all points of the fraction of their k nearest neighbours in Y (n x 2,
// exact, the point itself excluded) that carry the same label. Needs 1 <= k < n.
double knn_label_agreement(const float* Y, int64_t n, const int32_t* labels, int k, int threads);

}  // namespace lookalike
