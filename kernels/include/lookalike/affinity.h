// t-SNE input affinities from a kNN graph.
#pragma once
#include <cstdint>
#include "lookalike/csr.h"

namespace lookalike {

// indices/distances: n x k (squared distances). Per row, a Gaussian bandwidth found by
// binary search so the conditional distribution has the given perplexity; then the
// symmetric P = (P_cond + P_cond^T) / 2n, summing to 1, as CSR with sorted columns.
Csr affinities_perplexity(const int32_t* indices, const float* distances, int64_t n, int k,
                          double perplexity, int threads);

}  // namespace lookalike
