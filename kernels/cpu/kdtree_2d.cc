#include "kdtree_2d.h"

#include <algorithm>
#include <limits>

#include "lookalike/status.h"

namespace lookalike {
namespace {

constexpr int32_t kLeafSize = 8;

bool closer(float d2, int32_t index, const KdTree2d::Neighbour& than) {
  return d2 < than.d2 || (d2 == than.d2 && index < than.index);
}

}  // namespace

// The running k best, sorted; `worst` is the bound a subtree must beat.
struct KdTree2d::Query {
  float x, y;
  int32_t self;
  int k;
  int count = 0;
  Neighbour* best;
  float worst = std::numeric_limits<float>::infinity();

  void offer(float d2, int32_t index) {
    if (count == k && !closer(d2, index, best[k - 1])) return;
    int i = count < k ? count++ : k - 1;
    for (; i > 0 && closer(d2, index, best[i - 1]); --i) best[i] = best[i - 1];
    best[i] = {d2, index};
    if (count == k) worst = best[k - 1].d2;
  }
};

KdTree2d::KdTree2d(const float* Y, int64_t n) {
  if (n < 1 || n > std::numeric_limits<int32_t>::max())
    throw KernelError("BAD_ARGUMENT", "kd-tree: point count out of range");
  // Partitioned as (x, y, index) records: the comparisons then read contiguous memory.
  std::vector<Point> points(n);
  for (int64_t i = 0; i < n; ++i) points[i] = {{Y[2 * i], Y[2 * i + 1]}, static_cast<int32_t>(i)};
  nodes_.reserve(2 * (n / kLeafSize + 1));
  build(points, 0, static_cast<int32_t>(n));
  x_.resize(n);
  y_.resize(n);
  index_.resize(n);
  where_.resize(n);
  for (int64_t p = 0; p < n; ++p) {
    x_[p] = points[p].c[0];
    y_[p] = points[p].c[1];
    index_[p] = points[p].index;
    where_[points[p].index] = static_cast<int32_t>(p);
  }
}

int32_t KdTree2d::build(std::vector<Point>& points, int32_t begin, int32_t end) {
  const int32_t id = static_cast<int32_t>(nodes_.size());
  nodes_.push_back({0.0f, -1, begin, end, -1, -1});
  if (end - begin <= kLeafSize) return id;
  float lo[2] = {points[begin].c[0], points[begin].c[1]}, hi[2] = {lo[0], lo[1]};
  for (int32_t p = begin; p < end; ++p)
    for (int a = 0; a < 2; ++a) lo[a] = std::min(lo[a], points[p].c[a]), hi[a] = std::max(hi[a], points[p].c[a]);
  const int dim = hi[1] - lo[1] > hi[0] - lo[0] ? 1 : 0;
  const int32_t mid = begin + (end - begin) / 2;
  std::nth_element(points.begin() + begin, points.begin() + mid, points.begin() + end, [dim](const Point& a, const Point& b) {
    return a.c[dim] < b.c[dim] || (a.c[dim] == b.c[dim] && a.index < b.index);
  });
  const float split = points[mid].c[dim];
  const int32_t left = build(points, begin, mid);
  const int32_t right = build(points, mid, end);
  nodes_[id] = {split, dim, begin, end, left, right};
  return id;
}

void KdTree2d::nearest(int32_t self, int k, Neighbour* out) const {
  if (k < 1 || k >= size()) throw KernelError("BAD_ARGUMENT", "kd-tree: k must be from 1 to n - 1");
  const int32_t p = where_[self];
  Query q{x_[p], y_[p], self, k, 0, out};
  search(0, q);
}

void KdTree2d::search(int32_t id, Query& q) const {
  const Node& node = nodes_[id];
  if (node.dim < 0) {
    for (int32_t p = node.begin; p < node.end; ++p) {
      const float dx = x_[p] - q.x, dy = y_[p] - q.y;
      const float d2 = dx * dx + dy * dy;
      if (d2 <= q.worst && index_[p] != q.self) q.offer(d2, index_[p]);
    }
    return;
  }
  const float diff = (node.dim == 0 ? q.x : q.y) - node.split;
  search(diff < 0 ? node.left : node.right, q);
  // Every point across the split is at least |diff| away; equal distance may still win on index.
  if (diff * diff <= q.worst) search(diff < 0 ? node.right : node.left, q);
}

}  // namespace lookalike
