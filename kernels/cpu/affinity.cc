#include "lookalike/affinity.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "lookalike/parallel.h"
#include "lookalike/status.h"

namespace lookalike {
namespace {

// Conditional probabilities p_{j|i} over one row's k neighbours: the Gaussian precision
// beta is bisected until the row's entropy is log(perplexity). Distances are shifted by
// the row minimum so exp never underflows to an all-zero row.
void row_probabilities(const float* dist, int k, double log_perplexity, double* p) {
  const double d0 = dist[0];
  double beta = 1, lo = 0, hi = INFINITY;
  for (int step = 0; step < 200; ++step) {
    double sum = 0, weighted = 0;
    for (int j = 0; j < k; ++j) {
      const double dj = dist[j] - d0;
      p[j] = dj == 0 ? 1.0 : std::exp(-beta * dj);  // beta may reach inf; inf * 0 is NaN
      sum += p[j];
      weighted += dj * p[j];
    }
    const double entropy = std::log(sum) + beta * weighted / sum;
    const double gap = entropy - log_perplexity;
    if (std::abs(gap) < 1e-5) break;
    if (gap > 0) {  // too flat: sharpen
      lo = beta;
      beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
  double sum = 0;
  for (int j = 0; j < k; ++j) sum += p[j];
  for (int j = 0; j < k; ++j) p[j] /= sum;
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
    std::vector<double> p(k);
    for (int64_t i = begin; i < end; ++i) {
      row_probabilities(distances + i * k, k, log_perplexity, p.data());
      for (int j = 0; j < k; ++j) cond[i * k + j] = static_cast<float>(p[j]);
    }
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
