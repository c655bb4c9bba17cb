#include "attraction.h"

#include <algorithm>
#include <vector>

#include "fast_math.h"
#include "lookalike/parallel.h"
#include "lookalike/tsne_gradient.h"

namespace lookalike {
namespace {

// One row's attraction; the loops vectorise (gathers for y_j) under the build's
// reassociation flags. The KL variant also sums p log(1 + d^2) with a vectorisable log:
// libm's scalar log made that pass ten times slower than the forces.
template <bool WithKl>
inline float row_attraction(const CsrView& P, const float* Y, int64_t i, float* out) {
  const float xi = Y[2 * i], yi = Y[2 * i + 1];
  float fx = 0, fy = 0, kl = 0;
  for (int32_t e = P.indptr[i]; e < P.indptr[i + 1]; ++e) {
    const int32_t j = P.indices[e];
    const float dx = xi - Y[2 * j], dy = yi - Y[2 * j + 1];
    const float w = 1.0f + dx * dx + dy * dy;
    const float f = P.values[e] / w;
    fx += f * dx;
    fy += f * dy;
    if constexpr (WithKl) kl += P.values[e] * fast_log(w);
  }
  out[2 * i] = fx;
  out[2 * i + 1] = fy;
  return kl;
}

// Rows [begin, end) of the upper triangle U, adding each pair's force to out[i] and
// subtracting it from out[j]; returns their share of sum_ij p log(1 + d^2), both halves.
// Scalar on purpose: the scatter to out[j] keeps GCC from vectorising, and measured on
// AMD Zen 4, the vector gathers of the full-P loop were slower than this.
template <bool WithKl>
double upper_rows(const CsrView& U, const float* Y, int64_t begin, int64_t end, float* out) {
  double kl = 0;
  for (int64_t i = begin; i < end; ++i) {
    const float xi = Y[2 * i], yi = Y[2 * i + 1];
    float fx = 0, fy = 0, row_kl = 0;
    for (int32_t e = U.indptr[i]; e < U.indptr[i + 1]; ++e) {
      const int32_t j = U.indices[e];
      const float dx = xi - Y[2 * j], dy = yi - Y[2 * j + 1];
      const float w = 1.0f + dx * dx + dy * dy;
      const float f = U.values[e] / w, gx = f * dx, gy = f * dy;
      fx += gx;
      fy += gy;
      out[2 * j] -= gx;
      out[2 * j + 1] -= gy;
      if constexpr (WithKl) row_kl += U.values[e] * fast_log(w);
    }
    out[2 * i] += fx;
    out[2 * i + 1] += fy;
    kl += 2.0 * row_kl;
  }
  return kl;
}

// P's entries j > i, or rows = 0 unless P is exactly symmetric (the entries j < i,
// transposed, equal them; diagonal entries add nothing to forces or KL).
Csr upper_triangle(const CsrView& P) {
  const int64_t n = P.rows;
  Csr U, L;  // L: the entries j < i, transposed (row j holds (i, p_ij)), in row order
  U.rows = L.rows = n;
  U.indptr.assign(n + 1, 0);
  L.indptr.assign(n + 1, 0);
  for (int64_t i = 0; i < n; ++i)
    for (int32_t e = P.indptr[i]; e < P.indptr[i + 1]; ++e) {
      const int32_t j = P.indices[e];
      if (j > i) ++U.indptr[i + 1];
      else if (j < i) ++L.indptr[j + 1];
    }
  for (int64_t i = 0; i < n; ++i) {
    U.indptr[i + 1] += U.indptr[i];
    L.indptr[i + 1] += L.indptr[i];
  }
  if (U.indptr[n] != L.indptr[n]) return Csr{};
  U.indices.resize(U.indptr[n]);
  U.values.resize(U.indptr[n]);
  L.indices.resize(L.indptr[n]);
  L.values.resize(L.indptr[n]);
  std::vector<int32_t> u_at(U.indptr.begin(), U.indptr.end() - 1), l_at(L.indptr.begin(), L.indptr.end() - 1);
  for (int64_t i = 0; i < n; ++i)
    for (int32_t e = P.indptr[i]; e < P.indptr[i + 1]; ++e) {
      const int32_t j = P.indices[e];
      if (j > i) U.indices[u_at[i]] = j, U.values[u_at[i]++] = P.values[e];
      else if (j < i) L.indices[l_at[j]] = static_cast<int32_t>(i), L.values[l_at[j]++] = P.values[e];
    }
  // L's rows come out sorted (filled in order of i); U's are P's order, so sort them
  // before comparing (P's rows usually are sorted already).
  for (int64_t i = 0; i < n; ++i) {
    const int32_t b = U.indptr[i], e = U.indptr[i + 1];
    if (!std::is_sorted(U.indices.begin() + b, U.indices.begin() + e)) {
      std::vector<std::pair<int32_t, float>> row;
      for (int32_t k = b; k < e; ++k) row.emplace_back(U.indices[k], U.values[k]);
      std::sort(row.begin(), row.end());
      for (int32_t k = b; k < e; ++k) U.indices[k] = row[k - b].first, U.values[k] = row[k - b].second;
    }
  }
  if (U.indptr != L.indptr || U.indices != L.indices || U.values != L.values) return Csr{};
  return U;
}

}  // namespace

double attraction_nn(const CsrView& P, const float* Y, float* out, bool with_kl, int threads) {
  threads = resolve_threads(threads);
  std::vector<double> kl(parallel_parts(P.rows, threads), 0.0);
  parallel_for(P.rows, threads, [&](int64_t begin, int64_t end, int part) {
    double sum = 0;
    for (int64_t i = begin; i < end; ++i)
      if (with_kl) sum += row_attraction<true>(P, Y, i, out);
      else row_attraction<false>(P, Y, i, out);
    kl[part] = sum;
  });
  double total = 0;
  for (double v : kl) total += v;
  return total;
}

Attraction::Attraction(const CsrView& P, int threads)
    : P_(P), threads_(resolve_threads(threads)), upper_(upper_triangle(P)) {
  if (!symmetric()) return;
  // Rows split so that each part gets about the same number of entries: the upper
  // triangle's early rows hold more of them.
  const int parts = parallel_parts(P.rows, threads_);
  const int64_t total = upper_.indptr[P.rows];
  first_row_.resize(parts + 1);
  for (int p = 0; p <= parts; ++p)
    first_row_[p] = std::lower_bound(upper_.indptr.begin(), upper_.indptr.end() - 1, total * p / parts) -
                    upper_.indptr.begin();
  first_row_[parts] = P.rows;
  own_.assign(parts - 1, std::vector<float>(2 * P.rows));
}

double Attraction::run(const float* Y, float* out, bool with_kl) {
  if (!symmetric()) return attraction_nn(P_, Y, out, with_kl, threads_);
  const int64_t n = P_.rows;
  const int parts = static_cast<int>(first_row_.size()) - 1;
  const CsrView U = upper_.view();
  std::vector<double> kl(parts, 0.0);
  // Each part scatters into rows beyond its own: part 0 into out, the others into their
  // own sums, added to out in part order.
  parallel_for(parts, threads_, [&](int64_t, int64_t, int part) {
    float* sums = part == 0 ? out : own_[part - 1].data();
    std::fill(sums, sums + 2 * n, 0.0f);
    const int64_t begin = first_row_[part], end = first_row_[part + 1];
    kl[part] = with_kl ? upper_rows<true>(U, Y, begin, end, sums) : upper_rows<false>(U, Y, begin, end, sums);
  });
  if (parts > 1)
    parallel_for(2 * n, threads_, [&](int64_t begin, int64_t end, int) {
      for (const std::vector<float>& sums : own_)
        for (int64_t c = begin; c < end; ++c) out[c] += sums[c];
    });
  double total = 0;
  for (double v : kl) total += v;
  return total;
}

}  // namespace lookalike
