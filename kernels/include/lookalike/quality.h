// Embedding quality measures used by tests and benchmarks.
#pragma once
#include <cstdint>
#include "lookalike/csr.h"

namespace lookalike {

// Exact KL(P || Q) with Q the t-SNE Student-t affinities of Y (n x 2), O(n^2).
double kl_divergence_exact(const CsrView& P, const float* Y, int threads);

// Trustworthiness (Venna & Kaski 2001) of the embedding Y (n x 2) of X (n x d) at k
// neighbours, averaged over the query rows `queries` (all rows when null). Ranks are
// exact in both spaces.
double trustworthiness(const float* X, int64_t n, int d, const float* Y, int k,
                       const int32_t* queries, int64_t n_queries, int threads);

}  // namespace lookalike
