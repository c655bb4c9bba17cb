#include "knn_partition.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "lookalike/parallel.h"
#include "random.h"

namespace lookalike {
namespace {

constexpr int kPowerIterations = 3;

struct Node {
  int64_t begin, end;
};

// sum over the node's points of f(x, partial) into one d-vector, in a fixed order of parts.
template <typename F>
std::vector<double> sum_rows(const float* X, int d, const int32_t* ids, int64_t m, int threads, F&& f) {
  const int parts = parallel_parts(m, threads);
  std::vector<std::vector<double>> partial(parts, std::vector<double>(d, 0.0));
  parallel_for(m, threads, [&](int64_t begin, int64_t end, int part) {
    for (int64_t i = begin; i < end; ++i) f(X + static_cast<int64_t>(ids[i]) * d, partial[part].data());
  });
  std::vector<double> total(d, 0.0);
  for (const auto& s : partial)
    for (int p = 0; p < d; ++p) total[p] += s[p];
  return total;
}

// Reorders ids[0, m) so the first `left` have the smallest projections on the principal
// direction of these points (ties by index).
void split(const float* X, int d, int32_t* ids, int64_t m, int64_t left, uint64_t seed, int threads) {
  std::vector<double> mean = sum_rows(X, d, ids, m, threads, [d](const float* x, double* s) {
    for (int p = 0; p < d; ++p) s[p] += x[p];
  });
  std::vector<float> centre(d), v(d);
  for (int p = 0; p < d; ++p) centre[p] = static_cast<float>(mean[p] / static_cast<double>(m));
  Random random(seed);
  for (float& x : v) x = static_cast<float>(random.normal());
  auto project = [&](const float* x) {
    float s = 0;
    for (int p = 0; p < d; ++p) s += (x[p] - centre[p]) * v[p];
    return s;
  };
  for (int it = 0; it < kPowerIterations; ++it) {
    const std::vector<double> w = sum_rows(X, d, ids, m, threads, [&](const float* x, double* s) {
      const double t = project(x);
      for (int p = 0; p < d; ++p) s[p] += t * (x[p] - centre[p]);
    });
    double norm = 0;
    for (double x : w) norm += x * x;
    if (!(norm > 0)) break;  // all points equal: any direction splits them
    for (int p = 0; p < d; ++p) v[p] = static_cast<float>(w[p] / std::sqrt(norm));
  }
  std::vector<std::pair<float, int32_t>> keys(m);
  parallel_for(m, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) keys[i] = {project(X + static_cast<int64_t>(ids[i]) * d), ids[i]};
  });
  std::nth_element(keys.begin(), keys.begin() + left, keys.end());
  for (int64_t i = 0; i < m; ++i) ids[i] = keys[i].second;
}

}  // namespace

Partition partition_pca_tree(const float* X, int64_t n, int d, int64_t leaf, uint64_t seed,
                             int threads) {
  Partition out;
  out.order.resize(n);
  std::iota(out.order.begin(), out.order.end(), 0);
  std::vector<Node> nodes{{0, n}};
  for (int level = 0;; ++level) {
    std::vector<Node> open;
    for (const Node& node : nodes)
      if (node.end - node.begin > leaf) open.push_back(node);
    if (open.empty()) break;
    auto work = [&](const Node& node, int inner) {
      const int64_t m = node.end - node.begin;
      const int64_t left = (m + leaf - 1) / leaf / 2 * leaf;
      const uint64_t node_seed = seed ^ (static_cast<uint64_t>(level) << 48) ^ static_cast<uint64_t>(node.begin);
      split(X, d, out.order.data() + node.begin, m, left, node_seed, inner);
    };
    // Few large nodes: threads inside each; many: one node per thread.
    if (static_cast<int64_t>(open.size()) < threads) {
      for (const Node& node : open) work(node, threads);
    } else {
      parallel_for(static_cast<int64_t>(open.size()), threads, [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i) work(open[i], 1);
      });
    }
    std::vector<Node> next;
    for (const Node& node : nodes) {
      const int64_t m = node.end - node.begin;
      if (m <= leaf) {
        next.push_back(node);
        continue;
      }
      const int64_t mid = node.begin + (m + leaf - 1) / leaf / 2 * leaf;
      next.push_back({node.begin, mid});
      next.push_back({mid, node.end});
    }
    nodes = std::move(next);
  }
  for (const Node& node : nodes) out.ends.push_back(node.end);
  out.centroids.assign(nodes.size() * d, 0.0f);
  parallel_for(static_cast<int64_t>(nodes.size()), threads, [&](int64_t begin, int64_t end, int) {
    std::vector<double> s(d);
    for (int64_t g = begin; g < end; ++g) {
      std::fill(s.begin(), s.end(), 0.0);
      for (int64_t i = nodes[g].begin; i < nodes[g].end; ++i)
        for (int p = 0; p < d; ++p) s[p] += X[static_cast<int64_t>(out.order[i]) * d + p];
      const double count = static_cast<double>(nodes[g].end - nodes[g].begin);
      for (int p = 0; p < d; ++p) out.centroids[g * d + p] = static_cast<float>(s[p] / count);
    }
  });
  return out;
}

}  // namespace lookalike
