// k nearest neighbours under squared Euclidean distance, excluding the point itself.
#pragma once
#include <cstdint>

namespace lookalike {

// X: n x d row-major. Writes indices (n x k) and squared distances (n x k), each row
// sorted by increasing distance; ties broken by smaller index.
void knn_exact(const float* X, int64_t n, int d, int k, int threads, int32_t* indices,
               float* distances);

struct KnnApproxParams {
  uint64_t seed = 1;
  int threads = 0;
};

// Same contract, approximate (recall >= 0.95 at the defaults on the data we measure).
void knn_approx(const float* X, int64_t n, int d, int k, const KnnApproxParams& params,
                int32_t* indices, float* distances);

}  // namespace lookalike
