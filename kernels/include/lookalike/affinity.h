// t-SNE input affinities from a kNN graph.
#pragma once
#include <cstdint>
#include <functional>

namespace lookalike {

// Where affinities_perplexity writes P: indptr (n + 1), indices and values (nnz each).
struct CsrOut {
  int32_t* indptr;
  int32_t* indices;
  float* values;
};

// indices/distances: n x k (squared distances). Per row, a Gaussian bandwidth found by
// binary search so the conditional distribution has the given perplexity; then the
// symmetric P = (P_cond + P_cond^T) / 2n, summing to 1, as CSR with sorted columns, written
// where allocate(nnz) says (the caller's own buffers: no copy of P). Every step runs on
// `threads` threads; the result does not depend on their number.
void affinities_perplexity(const int32_t* indices, const float* distances, int64_t n, int k, double perplexity,
                           int threads, const std::function<CsrOut(int64_t nnz)>& allocate);

}  // namespace lookalike
