// Lloyd iterations for k-means with distance bounds that skip most of the work once the
// centroids settle (after Hamerly 2010 and Ding et al.'s Yinyang k-means 2015).
#pragma once
#include <cstdint>
#include <vector>

namespace lookalike {

struct DataStats {
  std::vector<float> norms;  // squared row norms
  std::vector<double> mean;  // column means
  double total = 0;          // sum of squared distances to the mean
};

DataStats data_stats(const float* X, int64_t n, int d, int threads);

// Centroids are kept in at most 64 groups of consecutive indices (single centroids for
// k <= 64); per point, an upper bound on the distance to its centroid and, per group, a
// lower bound on the distance to the group's other centroids. When the centroids move,
// the bounds move by the shifts: each bound is stored against the running total of its
// centroid's shifts (or its group's largest shifts), so that moving them all is a
// subtraction where they are read, not a pass that rewrites them. A point whose upper
// bound stays below every group bound (or half the gap from its centroid to the next)
// keeps its label unread, and the others are measured only against the groups whose
// bound they cross, 4 points by 4 centroids at a time (each block of 4 centroids against
// the points that need it).
class Lloyd {
 public:
  // centroids (k x d) holds the start and, after each iterate(), the means of the clusters.
  Lloyd(const float* X, int64_t n, int d, const DataStats& stats, int k, int threads, int32_t* labels,
        float* centroids);

  // One assignment and update.
  void iterate();

  // Sum of squared distances of the points to their cluster means, from the cluster sums.
  double inertia() const;

  // Back to the state before the last iterate().
  void undo();

 private:
  const float* row(int64_t i) const { return X_ + i * d_; }
  float* bounds(int64_t i) { return lower_.data() + i * groups_; }
  int group_of(int c) const { return group_of_[c]; }
  int threads_for(double work) const;
  void measure_centroids();
  bool bounded(int64_t i) const;
  uint64_t screen(int64_t i, float& u);
  void measure_rows(const int64_t* ids, const uint64_t* needs, const float* upper, int64_t m, float* dist);
  void rank(int64_t i, float u, uint64_t measured, const float* dist);
  void assign();
  void repair_empty();
  void move_points();
  void update_centroids();

  const float* X_;
  const int64_t n_;
  const int d_, k_, threads_, group_size_, groups_;
  const DataStats& stats_;
  int32_t* labels_;
  float* C_;
  std::vector<int32_t> group_of_;  // c / group_size_, looked up: a division per distance costs more than the distance
  std::vector<int32_t> previous_;
  // upper_[i] + shift_offset_[label]: row i's upper bound; lower_[i * groups_ + g] -
  // drift_offset_[g]: its lower bound for group g.
  std::vector<float> upper_, lower_;  // n, and n x groups
  // Running totals of the shifts: of each centroid, and of each group's largest (added in
  // double, used as floats).
  std::vector<double> total_shift_, total_drift_;
  std::vector<float> shift_offset_, drift_offset_;
  std::vector<float> norms_, half_gap_;
  std::vector<double> sums_, saved_sums_;
  std::vector<int64_t> counts_, saved_counts_;
  std::vector<float> saved_centroids_;
};

}  // namespace lookalike
