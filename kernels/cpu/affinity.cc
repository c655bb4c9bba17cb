#include "lookalike/affinity.h"

#include <algorithm>
#include <cmath>
#include <numeric>
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

Csr affinities_perplexity(const int32_t* indices, const float* distances, int64_t n, int k,
                          double perplexity, int threads) {
  if (perplexity <= 0 || perplexity > k)
    throw KernelError("BAD_ARGUMENT", "affinities: perplexity must be in (0, k]");
  threads = resolve_threads(threads);
  std::vector<float> cond(static_cast<size_t>(n) * k);
  const double log_perplexity = std::log(perplexity);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) row_probabilities(distances + i * k, k, log_perplexity, &cond[i * k]);
  });

  // Symmetrise: every p_{j|i} lands in row i and row j; duplicates are summed below.
  Csr P;
  P.rows = n;
  std::vector<int64_t> start(n + 1, 0);
  for (int64_t i = 0; i < n; ++i) {
    start[i + 1] += k;
    for (int j = 0; j < k; ++j) start[indices[i * k + j] + 1] += 1;
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<int32_t> cols(start[n]);
  std::vector<float> vals(start[n]);
  std::vector<int64_t> fill(start.begin(), start.end() - 1);
  const float scale = static_cast<float>(1.0 / (2.0 * static_cast<double>(n)));
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < k; ++j) {
      const int32_t t = indices[i * k + j];
      const float v = cond[i * k + j] * scale;
      cols[fill[i]] = t, vals[fill[i]++] = v;
      cols[fill[t]] = static_cast<int32_t>(i), vals[fill[t]++] = v;
    }

  // Sort each row by column and merge duplicates; count first, then compact.
  std::vector<int32_t> unique(n, 0);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    std::vector<std::pair<int32_t, float>> row;
    for (int64_t i = begin; i < end; ++i) {
      row.clear();
      for (int64_t e = start[i]; e < start[i + 1]; ++e) row.emplace_back(cols[e], vals[e]);
      std::stable_sort(row.begin(), row.end(), [](auto& a, auto& b) { return a.first < b.first; });
      int64_t out = start[i];
      for (size_t e = 0; e < row.size(); ++e) {
        if (e > 0 && row[e].first == row[e - 1].first) {
          vals[out - 1] += row[e].second;
        } else {
          cols[out] = row[e].first, vals[out++] = row[e].second;
        }
      }
      unique[i] = static_cast<int32_t>(out - start[i]);
    }
  });
  P.indptr.assign(n + 1, 0);
  for (int64_t i = 0; i < n; ++i) P.indptr[i + 1] = P.indptr[i] + unique[i];
  P.indices.resize(P.indptr[n]);
  P.values.resize(P.indptr[n]);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      std::copy_n(cols.begin() + start[i], unique[i], P.indices.begin() + P.indptr[i]);
      std::copy_n(vals.begin() + start[i], unique[i], P.values.begin() + P.indptr[i]);
    }
  });
  return P;
}

}  // namespace lookalike
