#include "lookalike/quality.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kdtree_2d.h"
#include "lookalike/parallel.h"
#include "lookalike/status.h"
#include "simd.h"

namespace lookalike {
namespace {

constexpr int kLanes = 16;
typedef double v8d __attribute__((vector_size(64)));

// sum_{j > i} 1 / (1 + |y_i - y_j|^2) over columns padded with +inf, which add exactly 0.
// Runs of 16 vectors are summed in float, then widened and added in double.
double student_row_sum(const float* xs, const float* ys, int64_t n, int64_t i) {
  const v16 xi = splat16(xs[i]), yi = splat16(ys[i]), one = splat16(1.0f);
  v8d acc = {};
  for (int64_t j = i + 1; j < n;) {
    v16 run = {};
    for (const int64_t stop = std::min(n, j + 16 * kLanes); j < stop; j += kLanes) {
      const v16 dx = load16(xs + j) - xi, dy = load16(ys + j) - yi;
      run += one / (one + dx * dx + dy * dy);
    }
    acc += __builtin_convertvector(__builtin_shufflevector(run, run, 0, 1, 2, 3, 4, 5, 6, 7), v8d) +
           __builtin_convertvector(__builtin_shufflevector(run, run, 8, 9, 10, 11, 12, 13, 14, 15), v8d);
  }
  double s = 0;
  for (int l = 0; l < 8; ++l) s += acc[l];
  return s;
}

// Z = sum_{i != j} w_ij. Row i pairs with row n-1-i so every part gets equal work.
double student_normaliser(const float* Y, int64_t n, int threads) {
  std::vector<float> xs(n + kLanes, std::numeric_limits<float>::infinity()), ys = xs;
  for (int64_t i = 0; i < n; ++i) xs[i] = Y[2 * i], ys[i] = Y[2 * i + 1];
  const int64_t pairs = (n + 1) / 2;
  std::vector<double> part_sum(parallel_parts(pairs, threads), 0.0);
  parallel_for(pairs, threads, [&](int64_t begin, int64_t end, int part) {
    double s = 0;
    for (int64_t r = begin; r < end; ++r) {
      s += student_row_sum(xs.data(), ys.data(), n, r);
      if (n - 1 - r != r) s += student_row_sum(xs.data(), ys.data(), n, n - 1 - r);
    }
    part_sum[part] = s;
  });
  double z = 0;
  for (double s : part_sum) z += s;
  return 2 * z;
}

}  // namespace

// KL = sum p log(p / q) = sum p log(p (1 + d^2)) + (sum p) log Z.
double kl_divergence_exact(const CsrView& P, const float* Y, int threads) {
  const int64_t n = P.rows;
  if (n < 2) throw KernelError("BAD_ARGUMENT", "kl_divergence_exact: needs at least 2 points");
  const int parts = parallel_parts(n, threads);
  std::vector<double> part_kl(parts, 0.0), part_mass(parts, 0.0);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    double kl = 0, mass = 0;
    for (int64_t i = begin; i < end; ++i)
      for (int32_t e = P.indptr[i]; e < P.indptr[i + 1]; ++e) {
        const double p = P.values[e];
        if (p <= 0) continue;
        const int64_t j = P.indices[e];
        const double dx = double(Y[2 * i]) - Y[2 * j], dy = double(Y[2 * i + 1]) - Y[2 * j + 1];
        kl += p * std::log(p * (1 + dx * dx + dy * dy));
        mass += p;
      }
    part_kl[part] = kl;
    part_mass[part] = mass;
  });
  double kl = 0, mass = 0;
  for (int p = 0; p < parts; ++p) kl += part_kl[p], mass += part_mass[p];
  return kl + mass * std::log(student_normaliser(Y, n, threads));
}

namespace {

// Trustworthiness works on blocks of 16 queries, held as two halves of 8 doubles.
constexpr int kQueries = 16, kHalf = 8;
typedef int64_t v8l __attribute__((vector_size(64)));

v8l load8l(const void* p) {
  v8l v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

int64_t bits(double x) {
  int64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Squared distances from 16 queries (qt: 2 d halves, dimension-major) to every row of X,
// point-major: dist[l * 16 + query]. Float32 differences are exact in double and so are
// their squares: only the sum rounds, so ranks are those of the true distances but for
// near-ties within ~1e-13. In float32 (2.3x faster) near-ties within ~1e-7 were misordered:
// 3 ranks among 5,000 CIFAR PCA-50 rows at k = 5, more at 1,632 dimensions. Rows go four
// at a time through `rows` (4 x d), converted once so each value is a broadcast operand.
void distances_to_queries(const float* X, int64_t n, int d, const v8d* qt, double* rows, double* dist) {
  for (int64_t l = 0; l < n; l += 4) {
    const int count = static_cast<int>(std::min<int64_t>(4, n - l));
    for (int64_t t = 0; t < int64_t{count} * d; ++t) rows[t] = X[l * d + t];
    v8d a[4][2] = {};
    for (int c = 0; c < d; ++c)
      for (int r = 0; r < 4; ++r)
        for (int h = 0; h < 2; ++h) {
          const v8d e = qt[2 * c + h] - rows[r * d + c];
          a[r][h] += e * e;
        }
    std::memcpy(dist + l * kQueries, a, count * sizeof a[0]);
  }
}

// Counts, for the 8 queries of one half, the rows l ranked before each neighbour j at
// input distance t: dist < t, or equal with l < j. Non-negative doubles order like their
// bit patterns, so as integers that is bits(dist) < bits(t) + [l < j]: one compare, with a
// bound that drops by one at l = j. The rows are scanned in segments between the
// neighbours' indices. key, neighbour and count are [m][16]; M neighbours at a time.
template <int M>
void count_closer(const double* dist, int64_t n, int half, const int64_t* key, const int64_t* neighbour,
                  int64_t* count) {
  struct Edge {
    int64_t at;
    int m, lane;
  };
  Edge edges[M * kHalf];
  v8l bound[M], c[M];
  for (int m = 0; m < M; ++m) {
    bound[m] = load8l(key + m * kQueries + half * kHalf) + 1;
    c[m] = v8l{};
    for (int lane = 0; lane < kHalf; ++lane)
      edges[m * kHalf + lane] = {neighbour[m * kQueries + half * kHalf + lane], m, lane};
  }
  std::sort(edges, edges + M * kHalf, [](const Edge& a, const Edge& b) { return a.at < b.at; });
  int e = 0;
  for (int64_t l = 0; l < n;) {
    for (; e < M * kHalf && edges[e].at <= l; ++e)
      bound[edges[e].m][edges[e].lane] = key[edges[e].m * kQueries + half * kHalf + edges[e].lane];
    const int64_t stop = e < M * kHalf ? edges[e].at : n;
    for (; l < stop; ++l) {
      const v8l v = load8l(dist + l * kQueries + half * kHalf);
      for (int m = 0; m < M; ++m) c[m] -= v < bound[m];
    }
  }
  for (int m = 0; m < M; ++m) std::memcpy(count + m * kQueries + half * kHalf, &c[m], sizeof c[m]);
}

void count_closer_all(const double* dist, int64_t n, int k, const int64_t* key, const int64_t* neighbour,
                      int64_t* count) {
  for (int half = 0; half < 2; ++half)
    for (int m = 0; m < k;) {
      const int64_t at = int64_t{m} * kQueries;
      switch (std::min(k - m, 8)) {
        case 8: count_closer<8>(dist, n, half, key + at, neighbour + at, count + at), m += 8; break;
        case 7: case 6: case 5: case 4: count_closer<4>(dist, n, half, key + at, neighbour + at, count + at), m += 4; break;
        case 3: case 2: count_closer<2>(dist, n, half, key + at, neighbour + at, count + at), m += 2; break;
        default: count_closer<1>(dist, n, half, key + at, neighbour + at, count + at), m += 1; break;
      }
    }
}

}  // namespace

// T = 1 - 2 / (m k (2n - 3k - 1)) * sum_{i in queries} sum_{j in N_i} max(0, r(i, j) - k),
// with m = n_queries, N_i the k nearest neighbours of i in Y and r(i, j) the rank of j
// among i's neighbours in X (1 = nearest; equal distances ranked by index). Each query's
// penalty is at most k (2n - 3k - 1) / 2, so T is in [0, 1] for any query subset and
// equals sklearn.manifold.trustworthiness when every row is a query.
double trustworthiness(const float* X, int64_t n, int d, const float* Y, int k,
                       const int32_t* queries, int64_t n_queries, int threads) {
  if (k < 1 || 2 * int64_t{k} >= n) throw KernelError("BAD_ARGUMENT", "trustworthiness: needs 1 <= k < n / 2");
  if (n_queries < 1) throw KernelError("BAD_ARGUMENT", "trustworthiness: needs at least one query");
  const KdTree2d tree(Y, n);
  const int64_t blocks = (n_queries + kQueries - 1) / kQueries;
  std::vector<int64_t> part_penalty(parallel_parts(blocks, threads), 0);
  parallel_for(blocks, threads, [&](int64_t begin, int64_t end, int part) {
    std::vector<double> dist(static_cast<size_t>(n) * kQueries);
    std::vector<v8d> qt(2 * static_cast<size_t>(d));
    std::vector<double> rows(4 * static_cast<size_t>(d));
    std::vector<KdTree2d::Neighbour> found(k);
    // [m][query]: neighbour m's index, the bits of its input distance, the rows before it.
    std::vector<int64_t> neighbour(k * kQueries), key(k * kQueries), count(k * kQueries);
    int64_t penalty = 0;
    for (int64_t b = begin; b < end; ++b) {
      const int lanes = static_cast<int>(std::min<int64_t>(kQueries, n_queries - b * kQueries));
      int64_t query[kQueries];
      for (int lane = 0; lane < kQueries; ++lane) {
        const int64_t q = b * kQueries + std::min(lane, lanes - 1);  // spare lanes repeat a query
        query[lane] = queries ? queries[q] : q;
      }
      for (int c = 0; c < d; ++c)
        for (int lane = 0; lane < kQueries; ++lane) qt[2 * c + lane / kHalf][lane % kHalf] = X[query[lane] * d + c];
      distances_to_queries(X, n, d, qt.data(), rows.data(), dist.data());
      // Spare lanes keep earlier (valid, ignored) neighbours.
      for (int lane = 0; lane < lanes; ++lane) {
        tree.nearest(static_cast<int32_t>(query[lane]), k, found.data());
        for (int m = 0; m < k; ++m) {
          neighbour[m * kQueries + lane] = found[m].index;
          key[m * kQueries + lane] = bits(dist[int64_t{found[m].index} * kQueries + lane]);
        }
      }
      count_closer_all(dist.data(), n, k, key.data(), neighbour.data(), count.data());
      // The query itself was counted where its own distance ranks before the neighbour.
      for (int lane = 0; lane < lanes; ++lane) {
        const int64_t self = bits(dist[query[lane] * kQueries + lane]);
        for (int m = 0; m < k; ++m) {
          const int64_t at = int64_t{m} * kQueries + lane;
          const bool counted = self < key[at] + (query[lane] < neighbour[at]);
          penalty += std::max<int64_t>(0, 1 + count[at] - counted - k);
        }
      }
    }
    part_penalty[part] = penalty;
  });
  int64_t penalty = 0;
  for (int64_t p : part_penalty) penalty += p;
  const double m = static_cast<double>(n_queries);
  return 1.0 - 2.0 * static_cast<double>(penalty) / (m * k * (2.0 * n - 3.0 * k - 1.0));
}

double knn_label_agreement(const float* Y, int64_t n, const int32_t* labels, int k, int threads) {
  if (k < 1 || k >= n) throw KernelError("BAD_ARGUMENT", "knn_label_agreement: needs 1 <= k < n");
  const KdTree2d tree(Y, n);
  std::vector<int64_t> part_agree(parallel_parts(n, threads), 0);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    std::vector<KdTree2d::Neighbour> found(k);
    int64_t agree = 0;
    for (int64_t p = begin; p < end; ++p) {
      const int32_t i = tree.point_at(p);
      tree.nearest(i, k, found.data());
      for (const KdTree2d::Neighbour& f : found) agree += labels[f.index] == labels[i];
    }
    part_agree[part] = agree;
  });
  int64_t agree = 0;
  for (int64_t a : part_agree) agree += a;
  return static_cast<double>(agree) / (static_cast<double>(n) * k);
}

}  // namespace lookalike
