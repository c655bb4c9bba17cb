// Partitions of points into cells of nearby points, for the two kNN methods.
#pragma once
#include <cstdint>
#include <vector>

namespace lookalike {

struct Partition {
  std::vector<int32_t> order;    // points, cell by cell
  std::vector<int64_t> ends;     // cell g holds order[ends[g-1] .. ends[g])
  std::vector<float> centroids;  // cells x d, the mean of each cell's points
  int64_t cells() const { return static_cast<int64_t>(ends.size()); }
  int64_t size(int64_t g) const { return ends[g] - (g ? ends[g - 1] : 0); }
};

// Balanced cells for the exact method, which visits near cell pairs first (so each row's
// k-th distance tightens early): recursive splits at the median of the projection on
// each node's principal direction (three power iterations from a seeded start). Every
// cell holds exactly `leaf` points but the last.
Partition partition_pca_tree(const float* X, int64_t n, int d, int64_t leaf, uint64_t seed,
                             int threads);

// Compact cells for the approximate method, which searches the cells nearest each point:
// two-level k-means (sqrt(n / cell) coarse clusters, each split into clusters of about
// `cell` points), so each point lies nearest its own cell's centre among its cluster's.
// Empty cells are dropped. Deterministic for a seed, whatever the thread count.
Partition partition_kmeans(const float* X, int64_t n, int d, const double* mean, int64_t cell,
                           uint64_t seed, int threads);

}  // namespace lookalike
