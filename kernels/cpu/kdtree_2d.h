// Exact k nearest neighbours in the plane by a k-d tree with median splits. Unlike a
// uniform grid it stays O(log n + k) per query whatever the layout: t-SNE maps have dense
// clusters and far outliers.
#pragma once
#include <cstdint>
#include <vector>

namespace lookalike {

class KdTree2d {
 public:
  struct Neighbour {
    float d2;  // squared distance
    int32_t index;
  };

  // Y: n x 2, interleaved. Keeps no reference to Y.
  KdTree2d(const float* Y, int64_t n);

  // The k nearest points to point `self` (itself excluded), nearest first, ties broken
  // by smaller index. Needs k < n.
  void nearest(int32_t self, int k, Neighbour* out) const;

  int64_t size() const { return static_cast<int64_t>(index_.size()); }
  // Points in tree order: consecutive positions are close in the plane, so queries made
  // in this order reuse the cache.
  int32_t point_at(int64_t position) const { return index_[position]; }

 private:
  struct Node {
    float split;      // children: left holds coordinates <= split, right >= split
    int32_t dim;      // 0 = x, 1 = y; -1 for a leaf
    int32_t begin, end;  // positions covered
    int32_t left, right;
  };
  struct Point {
    float c[2];
    int32_t index;
  };
  struct Query;

  int32_t build(std::vector<Point>& points, int32_t begin, int32_t end);
  void search(int32_t node, Query& q) const;

  std::vector<float> x_, y_;     // coordinates in tree order
  std::vector<int32_t> index_;   // point index at each position
  std::vector<int32_t> where_;   // position of each point index
  std::vector<Node> nodes_;
};

}  // namespace lookalike
