#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

#include "column_means.h"
#include "knn_join.h"
#include "knn_partition.h"
#include "lookalike/knn.h"
#include "lookalike/parallel.h"
#include "lookalike/status.h"
#include "random.h"

namespace lookalike {
namespace {

constexpr int kCandidates = 256;  // cells a point may search: its own cell's nearest by centre

// A cell and the cells whose centres lie nearest its centre: cells x width, own cell first.
struct Neighbourhoods {
  int width = 0;
  std::vector<int32_t> cells;
  const int32_t* of(int64_t c) const { return cells.data() + c * width; }
};

Neighbourhoods neighbourhoods(const Partition& part, int d, int threads) {
  const int64_t count = part.cells();
  Neighbourhoods out;
  out.width = static_cast<int>(std::min<int64_t>(count, kCandidates));
  out.cells.resize(count * out.width);
  std::vector<int32_t> near(count * (out.width - 1));
  std::vector<float> distances(near.size());
  if (out.width > 1)
    knn_exact(part.centroids.data(), count, d, out.width - 1, threads, near.data(), distances.data());
  for (int64_t c = 0; c < count; ++c) {
    out.cells[c * out.width] = static_cast<int32_t>(c);
    std::copy_n(near.begin() + c * (out.width - 1), out.width - 1, out.cells.begin() + c * out.width + 1);
  }
  return out;
}

// Exact neighbours (count x k) of `count` seeded rows, found against all of P.
std::vector<int32_t> sample_neighbours(const float* X, int64_t n, int d, int k, const double* mean,
                                       const Packed& P, int64_t count, uint64_t seed, int threads,
                                       std::vector<int32_t>& rows) {
  std::vector<int32_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  Random random(seed);
  for (int64_t i = 0; i < count; ++i) std::swap(all[i], all[i + static_cast<int64_t>(random.below(n - i))]);
  rows.assign(all.begin(), all.begin() + count);
  const Packed S = pack_groups(X, d, mean, rows, {count}, threads);
  Lists lists(S.slots(), k);
  lists.clear(S, 0, S.slots());
  std::vector<int32_t> indices(count * k);
  std::vector<float> distances(indices.size());
  parallel_for(S.slots() / kPanel, threads, [&](int64_t begin, int64_t end, int) {
    const SlotRange mine{begin * kPanel, end * kPanel};
    join_one_sided(S, mine, P, {0, P.slots()}, 0, lists, true);
    for (int64_t s = mine.begin; s < mine.end; ++s)
      if (S.ids[s] >= 0) lists.write(s, s, indices.data(), distances.data());
  });
  return indices;
}

// The fewest cells each point must search (its nearest candidate cells by centre) for the
// sampled rows to find `target` of their true neighbours; at most the candidate count.
int choose_probes(const float* X, int d, int k, const Partition& part, const Neighbourhoods& near,
                  const std::vector<int32_t>& cell_of, const std::vector<int32_t>& rows,
                  const std::vector<int32_t>& truth, double target) {
  std::vector<int> needed;  // per true neighbour: cells to search to reach it (width + 1: never)
  std::vector<std::pair<double, int32_t>> order(near.width);
  for (size_t q = 0; q < rows.size(); ++q) {
    const float* x = X + static_cast<int64_t>(rows[q]) * d;
    const int32_t* candidates = near.of(cell_of[rows[q]]);
    for (int w = 0; w < near.width; ++w) {
      const float* c = part.centroids.data() + static_cast<int64_t>(candidates[w]) * d;
      double s = 0;
      for (int p = 0; p < d; ++p) s += (x[p] - c[p]) * (x[p] - c[p]);
      order[w] = {s, candidates[w]};
    }
    std::sort(order.begin(), order.end());
    for (int j = 0; j < k; ++j) {
      const int32_t cell = cell_of[truth[q * k + j]];
      int probes = near.width + 1;
      for (int w = 0; w < near.width && probes > near.width; ++w)
        if (order[w].second == cell) probes = w + 1;
      needed.push_back(probes);
    }
  }
  const size_t at = std::min(needed.size(), static_cast<size_t>(std::ceil(target * static_cast<double>(needed.size())))) - 1;
  std::nth_element(needed.begin(), needed.begin() + at, needed.end());
  return std::min(needed[at], near.width);
}

// Searches one cell's rows at a time: each row searches its `probes` nearest candidate
// cells by centre (more while it has seen fewer than k points), cell by cell so that each
// cell's panels serve every row that wants them. A row still short of k candidates (tiny
// cells) searches everything instead.
class CellSearch {
 public:
  CellSearch(const Packed& P, const Partition& part, const Neighbourhoods& near, const double* mean,
             int k, int probes, int64_t largest)
      : P_(P), part_(part), near_(near), mean_(mean), k_(k), probes_(probes),
        ranked_(std::min(near.width, probes + 8)), lists_(largest, k), ranking_(largest, ranked_, near.width),
        rank_cells_(largest * ranked_), rank_distances_(largest * ranked_), position_(part.cells(), -1),
        wanted_(near.width) {}

  void run(int64_t c, int32_t* indices, float* distances) {
    const SlotRange own{P_.starts[c], P_.starts[c + 1]};
    const int64_t rows = own.end - own.begin;
    const int32_t* candidates = near_.of(c);
    const std::vector<int32_t> list(candidates, candidates + near_.width);
    const Packed centres = pack_groups(part_.centroids.data(), P_.d, mean_, list, {near_.width}, 1);
    ranking_.clear(P_, own.begin, rows);
    join_one_sided(P_, own, centres, {0, centres.slots()}, own.begin, ranking_, false);

    for (int w = 0; w < near_.width; ++w) {
      position_[candidates[w]] = w;
      wanted_[w].clear();
    }
    short_.clear();
    for (int64_t s = own.begin; s < own.end; ++s) {
      if (P_.ids[s] < 0) continue;
      const int64_t row = s - own.begin;
      ranking_.write(row, row, rank_cells_.data(), rank_distances_.data());
      int64_t seen = 0;
      for (int t = 0; t < ranked_ && (t < probes_ || seen < k_); ++t) {
        const int32_t b = rank_cells_[row * ranked_ + t];
        wanted_[position_[b]].push_back(s);
        seen += part_.size(b) - (b == c);
      }
      if (seen < k_) short_.push_back(s);
    }
    for (int w = 0; w < near_.width; ++w) position_[candidates[w]] = -1;

    lists_.clear(P_, own.begin, rows);
    for (int w = 0; w < near_.width; ++w) {
      const int32_t b = candidates[w];
      if (!wanted_[w].empty())
        join_gathered(P_, wanted_[w].data(), static_cast<int64_t>(wanted_[w].size()), P_,
                      {P_.starts[b], P_.starts[b + 1]}, own.begin, lists_, b == c);
    }
    if (!short_.empty()) {
      for (int64_t s : short_) lists_.reset(s - own.begin);
      join_gathered(P_, short_.data(), static_cast<int64_t>(short_.size()), P_, {0, P_.slots()}, own.begin,
                    lists_, true);
    }
    for (int64_t s = own.begin; s < own.end; ++s)
      if (P_.ids[s] >= 0) lists_.write(s - own.begin, P_.ids[s], indices, distances);
  }

 private:
  const Packed& P_;
  const Partition& part_;
  const Neighbourhoods& near_;
  const double* mean_;
  const int k_, probes_, ranked_;  // ranked_: candidate cells ranked per row
  Lists lists_, ranking_;
  std::vector<int32_t> rank_cells_;
  std::vector<float> rank_distances_;
  std::vector<int32_t> position_;              // cell -> its place among the candidates, or -1
  std::vector<std::vector<int64_t>> wanted_;   // per candidate cell: the row slots searching it
  std::vector<int64_t> short_;
};

}  // namespace

void knn_approx(const float* X, int64_t n, int d, int k, const KnnApproxParams& params,
                int32_t* indices, float* distances) {
  check_knn_arguments("knn_approx", n, d, k);
  if (params.cell_size < 1 || params.sample < 1 || !(params.target_recall > 0 && params.target_recall <= 1))
    throw KernelError("BAD_ARGUMENT", "knn_approx: need cell_size >= 1, sample >= 1 and 0 < target_recall <= 1");
  const int threads = resolve_threads(params.threads);
  const std::vector<double> mean = column_means(X, n, d, threads);
  const Partition part = partition_kmeans(X, n, d, mean.data(), params.cell_size, params.seed, threads);
  const Packed P = pack_groups(X, d, mean.data(), part.order, part.ends, threads);
  const int64_t cells = part.cells();
  std::vector<int32_t> cell_of(n);
  for (int64_t c = 0; c < cells; ++c)
    for (int64_t i = c ? part.ends[c - 1] : 0; i < part.ends[c]; ++i) cell_of[part.order[i]] = static_cast<int32_t>(c);
  const Neighbourhoods near = neighbourhoods(part, d, threads);

  std::vector<int32_t> rows;
  const std::vector<int32_t> truth = sample_neighbours(X, n, d, k, mean.data(), P, std::min<int64_t>(params.sample, n),
                                                       params.seed ^ 0x5851f42d4c957f2dULL, threads, rows);
  const int probes = choose_probes(X, d, k, part, near, cell_of, rows, truth, params.target_recall);

  int64_t largest = 0;
  for (int64_t c = 0; c < cells; ++c) largest = std::max(largest, P.starts[c + 1] - P.starts[c]);
  std::atomic<int64_t> next{0};
  parallel_for(threads, threads, [&](int64_t, int64_t, int) {
    CellSearch search(P, part, near, mean.data(), k, probes, largest);
    for (int64_t c; (c = next.fetch_add(1)) < cells;) search.run(c, indices, distances);
  });
}

}  // namespace lookalike
