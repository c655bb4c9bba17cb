// Initial k-means centroids.
#pragma once
#include <cstdint>
#include <vector>

namespace lookalike {

// Greedy k-means++ (Arthur & Vassilvitskii 2007, with the local trials scikit-learn
// uses): each new centroid is the best of 2 + floor(ln k) points drawn with probability
// proportional to their squared distance to the nearest centroid so far, "best" meaning
// the one that lowers the summed squared distance most. Runs on a uniform sample of
// `sample` rows (all rows when sample >= n). xnorm: squared row norms of X.
// Returns the k chosen row indices.
std::vector<int64_t> seed_greedy_kmeanspp(const float* X, int64_t n, int d, const float* xnorm, int k,
                                          int64_t sample, uint64_t seed, int threads);

// The rows k-means starts from (the CPU and CUDA versions alike): seed_greedy_kmeanspp on
// the sample size below, reordered as a nearest-neighbour chain.
std::vector<int64_t> seed_rows(const float* X, int64_t n, int d, const float* xnorm, int k, uint64_t seed,
                               int threads);

// Squared row norms, the values data_stats (kmeans_lloyd.h) computes.
std::vector<float> row_norms(const float* X, int64_t n, int d, int threads);

}  // namespace lookalike
