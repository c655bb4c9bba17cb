#include "lookalike/affinity.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "lookalike/parallel.h"
#include "fast_math.h"
#include "lookalike/status.h"

namespace lookalike {
namespace {

// Conditional probabilities p_{j|i} over one row's k neighbours: the Gaussian precision
// beta is found by Newton's method on the entropy H(beta) (dH/dbeta = -beta Var_p(d)),
// kept inside a bisection bracket, until H = log(perplexity). Distances are shifted by the
// row minimum so the weights never all underflow. Float exp: the row's 90 weights are the
// hot loop of this phase, and libm's scalar exp made it take seconds at 50,000 points.
int row_probabilities(const float* dist, int k, double log_perplexity, float* p) {
  const float d0 = dist[0];
  double mean_gap = 0;
  for (int j = 0; j < k; ++j) mean_gap += dist[j] - d0;
  mean_gap /= k;
  double beta = mean_gap > 0 ? 1.0 / mean_gap : 1.0, lo = 0, hi = INFINITY;
  int step = 0;
  for (; step < 100; ++step) {
    float sum = 0, first = 0, second = 0;
    const float b = static_cast<float>(beta);
    for (int j = 0; j < k; ++j) {
      const float dj = dist[j] - d0;
      p[j] = fast_exp_neg(-b * dj);
      sum += p[j];
      first += dj * p[j];
      second += dj * dj * p[j];
    }
    const double mean = first / sum, variance = std::max(0.0, second / sum - mean * mean);
    const double gap = std::log(static_cast<double>(sum)) + beta * mean - log_perplexity;
    if (std::abs(gap) < 1e-5) break;
    if (gap > 0) lo = beta;  // too flat: sharpen
    else hi = beta;
    double next = beta + gap / (beta * variance);
    if (!(variance > 0) || !(next > lo && next < hi)) next = std::isinf(hi) ? beta * 2 : (lo + hi) / 2;
    beta = next;
  }
  float sum = 0;
  for (int j = 0; j < k; ++j) sum += p[j];
  for (int j = 0; j < k; ++j) p[j] /= sum;
  return step;
}

}  // namespace

void affinities_perplexity(const int32_t* indices, const float* distances, int64_t n, int k, double perplexity,
                           int threads, const std::function<CsrOut(int64_t nnz)>& allocate) {
  if (perplexity <= 0 || perplexity > k)
    throw KernelError("BAD_ARGUMENT", "affinities: perplexity must be in (0, k]");
  threads = resolve_threads(threads);
  const int64_t entries = n * k;
  std::unique_ptr<float[]> cond(new float[entries]);  // every value written below
  const double log_perplexity = std::log(perplexity);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) row_probabilities(distances + i * k, k, log_perplexity, &cond[i * k]);
  });

  // Row i of the symmetric P gathers its own k neighbours (first) and every row that has
  // i among its neighbours (after, in any order: the sort below fixes it). Rows that are
  // each other's neighbours meet twice; the two values are summed below, and as a sum of
  // two floats does not depend on their order, neither does the result on the threads.
  std::vector<int32_t> reverse(n, 0);
  parallel_for(entries, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t e = begin; e < end; ++e) __atomic_fetch_add(&reverse[indices[e]], 1, __ATOMIC_RELAXED);
  });
  std::vector<int64_t> start(n + 1, 0);
  for (int64_t i = 0; i < n; ++i) start[i + 1] = start[i] + k + reverse[i];
  std::fill(reverse.begin(), reverse.end(), 0);  // now the reverse entries placed per row
  // (column, value bits) per entry: sorting the keys sorts by column, ties by value.
  std::unique_ptr<uint64_t[]> keys(new uint64_t[start[n]]);
  const float scale = static_cast<float>(1.0 / (2.0 * static_cast<double>(n)));
  auto key = [](int64_t column, float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return static_cast<uint64_t>(column) << 32 | bits;
  };
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i)
      for (int j = 0; j < k; ++j) {
        const int32_t t = indices[i * k + j];
        const float v = cond[i * k + j] * scale;
        keys[start[i] + j] = key(t, v);
        keys[start[t] + k + __atomic_fetch_add(&reverse[t], 1, __ATOMIC_RELAXED)] = key(i, v);
      }
  });
  cond.reset();

  // Sort each row and merge a column's two entries, in place; then write out.
  std::vector<int32_t> unique(n);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      uint64_t* row = keys.get() + start[i];
      const int64_t size = start[i + 1] - start[i];
      std::sort(row, row + size);
      int64_t out = 0;
      for (int64_t e = 0; e < size; ++e) {
        const uint32_t column = static_cast<uint32_t>(row[e] >> 32);
        float value;
        const uint32_t bits = static_cast<uint32_t>(row[e]);
        std::memcpy(&value, &bits, sizeof value);
        if (out > 0 && static_cast<uint32_t>(row[out - 1] >> 32) == column) {
          float sum;
          const uint32_t previous = static_cast<uint32_t>(row[out - 1]);
          std::memcpy(&sum, &previous, sizeof sum);
          row[out - 1] = key(column, sum + value);
        } else {
          row[out++] = row[e];
        }
      }
      unique[i] = static_cast<int32_t>(out);
    }
  });
  int64_t nnz = 0;
  for (int64_t i = 0; i < n; ++i) nnz += unique[i];
  const CsrOut P = allocate(nnz);
  P.indptr[0] = 0;
  for (int64_t i = 0; i < n; ++i) P.indptr[i + 1] = P.indptr[i] + unique[i];
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      const uint64_t* row = keys.get() + start[i];
      for (int32_t e = 0; e < unique[i]; ++e) {
        const uint32_t bits = static_cast<uint32_t>(row[e]);
        P.indices[P.indptr[i] + e] = static_cast<int32_t>(row[e] >> 32);
        std::memcpy(&P.values[P.indptr[i] + e], &bits, sizeof bits);
      }
    }
  });
}

}  // namespace lookalike
