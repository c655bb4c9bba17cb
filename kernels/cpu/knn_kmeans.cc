#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

#include "knn_join.h"
#include "knn_partition.h"
#include "lookalike/parallel.h"
#include "random.h"

namespace lookalike {
namespace {

constexpr int kIterations = 8;        // Lloyd steps; cells only need to be compact, not converged
constexpr int kSample = 32;           // centres are trained on this many points each
constexpr int64_t kChunk = 1 << 16;   // points packed at a time for the coarse assignment

// labels[s - range.begin] = the nearest centre of each point slot s in `range` (ties: lower index).
void assign(const Packed& points, SlotRange range, const Packed& centres, int32_t* labels, int threads) {
  const int64_t rows = range.end - range.begin;
  Lists lists(rows, 1);
  lists.clear(points, range.begin, rows);
  std::vector<float> distances(rows);
  parallel_for(rows / kPanel, threads, [&](int64_t begin, int64_t end, int) {
    const SlotRange mine{range.begin + begin * kPanel, range.begin + end * kPanel};
    join_one_sided(points, mine, centres, {0, centres.slots()}, range.begin, lists, false);
    for (int64_t s = mine.begin; s < mine.end; ++s)
      if (points.ids[s] >= 0) lists.write(s - range.begin, s - range.begin, labels, distances.data());
  });
}

Packed pack_centres(const std::vector<float>& centres, int d, const double* mean) {
  std::vector<int32_t> order(centres.size() / d);
  std::iota(order.begin(), order.end(), 0);
  return pack_groups(centres.data(), d, mean, order, {static_cast<int64_t>(order.size())}, 1);
}

// `count` of the points `ids`, drawn without replacement by a seeded shuffle.
std::vector<int32_t> draw(std::vector<int32_t> ids, int64_t count, uint64_t seed) {
  Random random(seed);
  const int64_t m = static_cast<int64_t>(ids.size());
  for (int64_t i = 0; i < count; ++i) std::swap(ids[i], ids[i + static_cast<int64_t>(random.below(m - i))]);
  ids.resize(count);
  return ids;
}

// Lloyd's k-means on a seeded sample of the points `ids`, from `clusters` distinct points
// of it; returns the centres (clusters x d). A centre whose cluster empties stays put.
std::vector<float> lloyd(const float* X, int d, const double* mean, const std::vector<int32_t>& all,
                         int64_t clusters, uint64_t seed, int threads) {
  const std::vector<int32_t> ids = draw(all, std::min<int64_t>(all.size(), clusters * kSample), seed);
  const int64_t m = static_cast<int64_t>(ids.size());
  const Packed points = pack_groups(X, d, mean, ids, {m}, threads);
  std::vector<float> centres(clusters * d);
  for (int64_t c = 0; c < clusters; ++c)
    std::copy_n(X + static_cast<int64_t>(ids[c]) * d, d, centres.begin() + c * d);
  std::vector<int32_t> labels(points.slots());
  std::vector<double> sums(clusters * d);
  std::vector<int64_t> counts(clusters);
  for (int it = 0; it < kIterations; ++it) {
    assign(points, {0, points.slots()}, pack_centres(centres, d, mean), labels.data(), threads);
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(counts.begin(), counts.end(), 0);
    for (int64_t i = 0; i < m; ++i) {
      const float* x = X + static_cast<int64_t>(ids[i]) * d;
      double* s = sums.data() + static_cast<int64_t>(labels[i]) * d;
      for (int p = 0; p < d; ++p) s[p] += x[p];
      ++counts[labels[i]];
    }
    for (int64_t c = 0; c < clusters; ++c)
      if (counts[c])
        for (int p = 0; p < d; ++p) centres[c * d + p] = static_cast<float>(sums[c * d + p] / counts[c]);
  }
  return centres;
}

// The nearest of `centres` for each of the points `ids`, packed kChunk at a time.
std::vector<int32_t> nearest(const float* X, int d, const double* mean, const std::vector<int32_t>& ids,
                             const std::vector<float>& centres, int threads) {
  const Packed packed = pack_centres(centres, d, mean);
  const int64_t m = static_cast<int64_t>(ids.size());
  std::vector<int32_t> labels(m);
  for (int64_t first = 0; first < m; first += kChunk) {
    const int64_t count = std::min(kChunk, m - first);
    const std::vector<int32_t> chunk(ids.begin() + first, ids.begin() + first + count);
    const Packed points = pack_groups(X, d, mean, chunk, {count}, threads);
    assign(points, {0, points.slots()}, packed, labels.data() + first, threads);
  }
  return labels;
}

// ids grouped by label (0 .. groups), keeping their order within a group.
std::vector<std::vector<int32_t>> group_by(const std::vector<int32_t>& ids, const std::vector<int32_t>& labels,
                                           int64_t groups) {
  std::vector<std::vector<int32_t>> out(groups);
  for (size_t i = 0; i < ids.size(); ++i) out[labels[i]].push_back(ids[i]);
  return out;
}

}  // namespace

Partition partition_kmeans(const float* X, int64_t n, int d, const double* mean, int64_t cell,
                           uint64_t seed, int threads) {
  const int64_t target = std::max<int64_t>(1, (n + cell / 2) / cell);
  const int64_t coarse = std::max<int64_t>(1, std::llround(std::sqrt(static_cast<double>(target))));
  std::vector<int32_t> all(n);
  std::iota(all.begin(), all.end(), 0);

  const std::vector<float> centres = lloyd(X, d, mean, all, coarse, seed, threads);
  const std::vector<std::vector<int32_t>> clusters =
      group_by(all, nearest(X, d, mean, all, centres, threads), coarse);

  // Each coarse cluster into cells of about `cell` points, one cluster per worker at a time.
  std::vector<std::vector<std::vector<int32_t>>> cells(coarse);
  std::atomic<int64_t> next{0};
  parallel_for(threads, threads, [&](int64_t, int64_t, int) {
    for (int64_t g; (g = next.fetch_add(1)) < coarse;) {
      const std::vector<int32_t>& ids = clusters[g];
      const int64_t m = static_cast<int64_t>(ids.size());
      const int64_t split = std::min<int64_t>(m, std::max<int64_t>(1, (m + cell / 2) / cell));
      if (split <= 1) {
        cells[g] = {ids};
        continue;
      }
      const std::vector<float> fine = lloyd(X, d, mean, ids, split, seed + 1 + static_cast<uint64_t>(g), 1);
      cells[g] = group_by(ids, nearest(X, d, mean, ids, fine, 1), split);
    }
  });

  Partition out;
  std::vector<double> s(d);
  for (const auto& group : cells)
    for (const auto& members : group) {
      if (members.empty()) continue;
      std::fill(s.begin(), s.end(), 0.0);
      for (int32_t id : members)
        for (int p = 0; p < d; ++p) s[p] += X[static_cast<int64_t>(id) * d + p];
      for (int p = 0; p < d; ++p) out.centroids.push_back(static_cast<float>(s[p] / static_cast<double>(members.size())));
      out.order.insert(out.order.end(), members.begin(), members.end());
      out.ends.push_back(static_cast<int64_t>(out.order.size()));
    }
  return out;
}

}  // namespace lookalike
