#include "kmeans_lloyd.h"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "chunked.h"
#include "dot_block.h"
#include "kmeans_run.h"
#include "lookalike/parallel.h"

namespace lookalike {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
// At most this many groups, so the bounds take at most 64 floats per point.
constexpr int kMaxGroups = 64;
// Steps with less work than this (in multiply-adds or comparisons) run on one thread: on a
// shared machine a second thread that is descheduled holds up the join for a time slice,
// more than it saves (PCA-256, k = 10, loaded 2 cores: 1.0 s on 2 threads, 0.67 s on 1,
// before the small steps ran on one).
constexpr double kSerialWork = 1 << 20;
// move_points: parts of at least kMoveRows moved rows, at most kMoveParts of them, their
// sums within kMovePartValues doubles (8 MB).
constexpr int64_t kMoveRows = 4096;
constexpr int kMoveParts = 8;
constexpr int64_t kMovePartValues = int64_t{1} << 20;

// Groups of 1, 2 or 4 centroids (whole groups in every block of 4 measured together),
// else of a multiple of 4 (whole blocks in every group).
int group_size_for(int k) {
  const int size = (k + kMaxGroups - 1) / kMaxGroups;
  return size <= 1 ? 1 : size <= 2 ? 2 : (size + 3) / 4 * 4;
}

// Bit g set where lb[g] - offset[g] < u, for g < groups (at most 64).
uint64_t below(const float* lb, const float* offset, float u, int groups) {
  uint64_t mask = 0;
  int g = 0;
#if defined(__AVX512F__)
  const __m512 uv = _mm512_set1_ps(u);
  for (; g + 16 <= groups; g += 16) {
    const __m512 bound = _mm512_sub_ps(_mm512_loadu_ps(lb + g), _mm512_loadu_ps(offset + g));
    mask |= static_cast<uint64_t>(_mm512_cmp_ps_mask(bound, uv, _CMP_LT_OQ)) << g;
  }
#endif
  for (; g < groups; ++g) mask |= static_cast<uint64_t>(lb[g] - offset[g] < u) << g;
  return mask;
}

}  // namespace

int Lloyd::threads_for(double work) const { return work < kSerialWork ? 1 : threads_; }

// One pass: sums of x - x0 for the first row x0, which keeps the total sum of squares
// well conditioned when the data sit far from the origin.
DataStats data_stats(const float* X, int64_t n, int d, int threads) {
  DataStats s;
  s.norms.resize(n);
  const std::vector<double> sums = chunked_sum(n, d + 1, threads, [&](int64_t begin, int64_t end, double* out) {
    for (int64_t i = begin; i < end; ++i) {
      const float* x = X + i * d;
      s.norms[i] = dot1(x, x, d);
      for (int j = 0; j < d; ++j) out[j] += x[j] - X[j];
      out[d] += squared_difference(x, X, d);
    }
  });
  s.mean.resize(d);
  double shift = 0;
  for (int j = 0; j < d; ++j) {
    const double offset = sums[j] / static_cast<double>(n);
    s.mean[j] = X[j] + offset;
    shift += offset * offset;
  }
  s.total = std::max(sums[d] - static_cast<double>(n) * shift, 0.0);
  return s;
}

Lloyd::Lloyd(const float* X, int64_t n, int d, const DataStats& stats, int k, int threads, int32_t* labels,
             float* centroids)
    : X_(X), n_(n), d_(d), k_(k), threads_(threads), group_size_(group_size_for(k)),
      groups_((k + group_size_ - 1) / group_size_), stats_(stats), labels_(labels), C_(centroids), group_of_(k),
      previous_(n), upper_(n, kInf), lower_(static_cast<size_t>(n) * groups_, -kInf), total_shift_(k, 0.0),
      total_drift_(groups_, 0.0), shift_offset_(k, 0.0f), drift_offset_(groups_, 0.0f), norms_(k), half_gap_(k),
      sums_(static_cast<size_t>(k) * d, 0.0), counts_(k, 0) {
  std::fill(labels, labels + n, -1);
  for (int c = 0; c < k; ++c) group_of_[c] = c / group_size_;
}

void Lloyd::iterate() {
  std::copy(labels_, labels_ + n_, previous_.begin());
  saved_sums_ = sums_;
  saved_counts_ = counts_;
  saved_centroids_.assign(C_, C_ + static_cast<size_t>(k_) * d_);
  measure_centroids();
  assign();
  std::fill(counts_.begin(), counts_.end(), 0);
  for (int64_t i = 0; i < n_; ++i) ++counts_[labels_[i]];
  if (std::find(counts_.begin(), counts_.end(), 0) != counts_.end()) repair_empty();
  move_points();
  update_centroids();
}

// The total sum of squares less the between-cluster part, all in double.
double Lloyd::inertia() const {
  double between = 0;
  for (int c = 0; c < k_; ++c) {
    double s = 0;
    for (int j = 0; j < d_; ++j) {
      const double diff = sums_[static_cast<size_t>(c) * d_ + j] - counts_[c] * stats_.mean[j];
      s += diff * diff;
    }
    between += s / counts_[c];
  }
  return std::max(stats_.total - between, 0.0);
}

void Lloyd::undo() {
  std::copy(previous_.begin(), previous_.end(), labels_);
  sums_ = saved_sums_;
  counts_ = saved_counts_;
  std::copy(saved_centroids_.begin(), saved_centroids_.end(), C_);
}

// Squared norms, and half the distance from each centroid to its nearest other one.
void Lloyd::measure_centroids() {
  for (int c = 0; c < k_; ++c) {
    const float* x = C_ + static_cast<int64_t>(c) * d_;
    norms_[c] = dot1(x, x, d_);
  }
  parallel_for((k_ + 3) / 4, threads_for(static_cast<double>(k_) * k_ * d_), [&](int64_t begin, int64_t end, int) {
    for (int64_t blk = begin; blk < end; ++blk) {
      const int c0 = static_cast<int>(blk * 4), live = std::min(4, k_ - c0);
      const float* a[4];
      for (int r = 0; r < 4; ++r) a[r] = C_ + static_cast<int64_t>(c0 + std::min(r, live - 1)) * d_;
      float nearest[4] = {kInf, kInf, kInf, kInf};
      for (int o0 = 0; o0 < k_; o0 += 4) {
        const int width = std::min(4, k_ - o0);
        const float* b[4];
        for (int o = 0; o < 4; ++o) b[o] = C_ + static_cast<int64_t>(o0 + std::min(o, width - 1)) * d_;
        float dots[4][4];
        dot_block4(a, b, width, d_, dots);
        for (int r = 0; r < live; ++r)
          for (int o = 0; o < width; ++o)
            if (o0 + o != c0 + r) nearest[r] = std::min(nearest[r], norms_[c0 + r] + norms_[o0 + o] - 2 * dots[r][o]);
      }
      for (int r = 0; r < live; ++r) half_gap_[c0 + r] = 0.5f * std::sqrt(std::max(nearest[r], 0.0f));
    }
  });
}

// Whether row i's bounds prove that its label stands: its upper bound below the lower
// bound of every group, or below half the gap from its centroid to the next.
bool Lloyd::bounded(int64_t i) const {
  const int a = labels_[i];
  const float* lb = lower_.data() + i * groups_;
  float nearest_other = kInf;
  for (int g = 0; g < groups_; ++g) nearest_other = std::min(nearest_other, lb[g] - drift_offset_[g]);
  return upper_[i] + shift_offset_[a] <= std::max(nearest_other, half_gap_[a]);
}

// The groups row i may have a nearer centroid in: after the exact distance to its own
// centroid (into u) replaces the upper bound, those whose lower bound is below it. Every
// group for a row without a label or bound yet (u infinite).
uint64_t Lloyd::screen(int64_t i, float& u) {
  const int a = labels_[i];
  if (a < 0 || upper_[i] == kInf) {
    u = kInf;
    return groups_ == 64 ? ~uint64_t{0} : (uint64_t{1} << groups_) - 1;
  }
  const float* c = C_ + static_cast<int64_t>(a) * d_;
  u = std::sqrt(std::max(stats_.norms[i] + norms_[a] - 2 * dot1(row(i), c, d_), 0.0f));
  upper_[i] = u - shift_offset_[a];
  if (u <= half_gap_[a]) return 0;
  return below(bounds(i), drift_offset_.data(), u, groups_);
}

// The rows ids (m of them) against the centroids of the groups each needs (needs[p]).
// Centroids are measured 4 at a time, so a needed group smaller than 4 brings the rest of
// its block of 4 along, and those get exact bounds too; each block of centroids meets
// only the rows that need it, 4 rows at a time: on the PCA-256 CIFAR-10 vectors (k = 100),
// 392,000 distances an iteration where blocks of 4 consecutive rows against the union of
// their needs took 651,000 (though more rows then fail their bounds: 40,100 candidates an
// iteration instead of 33,800). Distances go to dist (m x k), then rank() ranks each row's.
void Lloyd::measure_rows(const int64_t* ids, const uint64_t* needs, const float* upper, int64_t m, float* dist) {
  std::vector<uint64_t> measured(m, 0);
  std::vector<int64_t> take;
  take.reserve(m);
  for (int c0 = 0; c0 < k_; c0 += 4) {
    const int width = std::min(4, k_ - c0);
    const int g0 = group_of(c0), g1 = group_of(c0 + width - 1);
    const uint64_t span = (g1 == 63 ? ~uint64_t{0} : (uint64_t{2} << g1) - 1) & ~((uint64_t{1} << g0) - 1);
    take.clear();
    for (int64_t p = 0; p < m; ++p)
      if (needs[p] & span) {
        take.push_back(p);
        measured[p] |= span;
      }
    const float* b[4];
    for (int c = 0; c < 4; ++c) b[c] = C_ + static_cast<int64_t>(c0 + std::min(c, width - 1)) * d_;
    for (size_t t = 0; t < take.size(); t += 4) {
      const int live = static_cast<int>(std::min<size_t>(4, take.size() - t));
      const float* a[4];
      for (int r = 0; r < 4; ++r) a[r] = row(ids[take[t + std::min(r, live - 1)]]);
      float dots[4][4];
      dot_block4(a, b, width, d_, dots);
      for (int r = 0; r < live; ++r) {
        const int64_t p = take[t + r];
        const float norm = stats_.norms[ids[p]];
        for (int c = 0; c < width; ++c) dist[p * k_ + c0 + c] = std::max(norm + norms_[c0 + c] - 2 * dots[r][c], 0.0f);
      }
    }
  }
  for (int64_t p = 0; p < m; ++p) rank(ids[p], upper[p], measured[p], dist + p * k_);
}

// Row i's nearest among the measured groups' centroids (dist: its distances to them) or
// its current one (at distance u) becomes its label, and the measured groups get exact
// lower bounds.
void Lloyd::rank(int64_t i, float u, uint64_t measured, const float* dist) {
  float first[kMaxGroups], second[kMaxGroups];
  int32_t which[kMaxGroups];
  float best = u * u;
  int32_t label = labels_[i];
  for (uint64_t m = measured; m != 0; m &= m - 1) {
    const int g = __builtin_ctzll(m);
    const int end = std::min(k_, (g + 1) * group_size_);
    float f = kInf, s = kInf;
    int32_t w = -1;
    for (int c = g * group_size_; c < end; ++c) {
      const float d2 = dist[c];
      s = d2 < f ? f : std::min(s, d2);
      w = d2 < f ? c : w;
      f = d2 < f ? d2 : f;
    }
    first[g] = f;
    second[g] = s;
    which[g] = w;
    if (f < best) {
      best = f;
      label = w;
    }
  }
  float* lb = bounds(i);
  for (uint64_t m = measured; m != 0; m &= m - 1) {
    const int g = __builtin_ctzll(m);
    lb[g] = std::sqrt(which[g] == label ? second[g] : first[g]) + drift_offset_[g];
  }
  const int old = labels_[i];
  // The old centroid, unmeasured in its group, now counts among the others there.
  if (old >= 0 && old != label && !(measured >> group_of(old) & 1)) {
    const int g = group_of(old);
    lb[g] = std::min(lb[g], u + drift_offset_[g]);
  }
  upper_[i] = std::sqrt(best) - shift_offset_[label];
  labels_[i] = label;
}

// Tests the rows' bounds, then screens the rows that fail them and measures the ones left
// while their data is still in cache, in fixed chunks of rows, so the result does not
// depend on the thread count. The first time, every row.
void Lloyd::assign() {
  const bool all = labels_[0] < 0;
  // 256 rows a chunk, fewer for large k so that the distances stay within 1 MB.
  const int64_t chunk_rows = std::max<int64_t>(4, std::min<int64_t>(256, (int64_t{1} << 18) / k_));
  for_each_chunk((n_ + chunk_rows - 1) / chunk_rows, threads_, [&](int64_t chunk) {
    std::vector<int64_t> rows, ids;
    std::vector<uint64_t> needs;
    std::vector<float> upper;
    const int64_t end = std::min(n_, (chunk + 1) * chunk_rows);
    for (int64_t i = chunk * chunk_rows; i < end; ++i)
      if (all || !bounded(i)) rows.push_back(i);
    const size_t count = rows.size();
    for (size_t j = 0; j < count; ++j) {
      // Rows are read sparsely: start fetching a later one (its head; on long rows the
      // hardware prefetcher follows). 10 % less time on 256-d rows, none lost on 1632-d.
      if (j + 4 < count)
        for (int q = 0; q < std::min(d_, 256); q += 16) __builtin_prefetch(row(rows[j + 4]) + q);
      float u;
      const uint64_t g = screen(rows[j], u);
      if (g == 0) continue;
      ids.push_back(rows[j]);
      upper.push_back(u);
      // With at most 4 blocks of centroids, every one: the row is in cache by now, and
      // exact bounds for all groups keep it off the candidate list longer (1632-d,
      // k = 10: 22,800 candidates an iteration instead of 26,800).
      needs.push_back(k_ <= 16 ? ~uint64_t{0} : g);
    }
    if (ids.empty()) return;
    std::vector<float> dist(ids.size() * static_cast<size_t>(k_));
    measure_rows(ids.data(), needs.data(), upper.data(), static_cast<int64_t>(ids.size()), dist.data());
  });
}

// The shared repair (kmeans_run.h) on each row's distance to its own centroid.
void Lloyd::repair_empty() {
  std::vector<float> distance(n_);
  parallel_for(n_, threads_, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i)
      distance[i] = squared_difference(row(i), C_ + static_cast<int64_t>(labels_[i]) * d_, d_);
  });
  for (const int64_t i : repair_empty_clusters(distance.data(), labels_, counts_.data(), n_, k_)) {
    // Its new centroid is about to jump: unknown bounds measure it afresh next time.
    upper_[i] = kInf;
    std::fill(bounds(i), bounds(i) + groups_, -kInf);
  }
}

// Moves the relabelled rows between the cluster sums. The moved rows, in increasing order,
// are cut into parts by their count alone; each part adds into a k x d sum of its own and
// the parts are added in order, so the sums do not depend on the thread count. Row-wise
// parts read each row once, from start to end: after the first step, which moves every
// row, column slices of all rows took 8-10 ms on the PCA-256 CIFAR-10 vectors (k = 10).
void Lloyd::move_points() {
  std::vector<int64_t> moved;
  for (int64_t i = 0; i < n_; ++i)
    if (labels_[i] != previous_[i]) moved.push_back(i);
  const int64_t count = static_cast<int64_t>(moved.size());
  const int64_t size = static_cast<int64_t>(k_) * d_;
  const int64_t parts = std::max<int64_t>(
      1, std::min({(count + kMoveRows - 1) / kMoveRows, int64_t{kMoveParts}, kMovePartValues / size}));
  auto move = [&](int64_t begin, int64_t end, double* sums) {
    for (int64_t q = begin; q < end; ++q) {
      const int64_t i = moved[q];
      const float* x = row(i);
      double* to = sums + static_cast<int64_t>(labels_[i]) * d_;
      for (int j = 0; j < d_; ++j) to[j] += x[j];
      if (previous_[i] < 0) continue;
      double* from = sums + static_cast<int64_t>(previous_[i]) * d_;
      for (int j = 0; j < d_; ++j) from[j] -= x[j];
    }
  };
  if (parts == 1) {
    move(0, count, sums_.data());
    return;
  }
  std::vector<double> part_sums(static_cast<size_t>(parts * size), 0.0);
  for_each_chunk(parts, threads_, [&](int64_t p) {
    move(count * p / parts, count * (p + 1) / parts, part_sums.data() + p * size);
  });
  for (int64_t p = 0; p < parts; ++p)
    for (int64_t v = 0; v < size; ++v) sums_[v] += part_sums[p * size + v];
}

void Lloyd::update_centroids() {
  std::vector<float> drift(groups_, 0.0f);
  for (int c = 0; c < k_; ++c) {
    float* x = C_ + static_cast<int64_t>(c) * d_;
    const double* sum = sums_.data() + static_cast<int64_t>(c) * d_;
    double s = 0;
    for (int j = 0; j < d_; ++j) {
      const float value = static_cast<float>(sum[j] / counts_[c]);
      const double diff = static_cast<double>(value) - x[j];
      s += diff * diff;
      x[j] = value;
    }
    const float shift = static_cast<float>(std::sqrt(s));
    total_shift_[c] += shift;
    shift_offset_[c] = static_cast<float>(total_shift_[c]);
    drift[group_of(c)] = std::max(drift[group_of(c)], shift);
  }
  for (int g = 0; g < groups_; ++g) {
    total_drift_[g] += drift[g];
    drift_offset_[g] = static_cast<float>(total_drift_[g]);
  }
}

}  // namespace lookalike
