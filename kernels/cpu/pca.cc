#include "lookalike/pca.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "column_means.h"
#include "lookalike/gemm.h"
#include "lookalike/parallel.h"
#include "lookalike/status.h"
#include "pca_scores.h"
#include "random.h"
#include "small_linalg.h"

namespace lookalike {
namespace {

// Y (rows x m) -= 1 * (mean^T B) for B (d x m): centres a product X B after the fact,
// so X itself is never copied.
void subtract_mean_product(float* Y, int64_t rows, int m, const std::vector<double>& mean,
                           const float* B, int threads) {
  const int d = static_cast<int>(mean.size());
  std::vector<float> shift(m, 0.0f);
  for (int c = 0; c < m; ++c) {
    double s = 0;
    for (int j = 0; j < d; ++j) s += mean[j] * B[static_cast<int64_t>(j) * m + c];
    shift[c] = static_cast<float>(s);
  }
  parallel_for(rows, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i)
      for (int c = 0; c < m; ++c) Y[i * m + c] -= shift[c];
  });
}

// Z (d x m) = X_c^T Q with X_c = X - 1 mean^T: X^T Q - mean (1^T Q).
void centred_tn(const float* X, int64_t n, int d, const std::vector<double>& mean,
                const float* Q, int m, float* Z, int threads) {
  gemm_tn(X, n, d, Q, m, Z, threads);
  std::vector<double> colsum(m, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int c = 0; c < m; ++c) colsum[c] += Q[i * m + c];
  for (int j = 0; j < d; ++j)
    for (int c = 0; c < m; ++c) Z[static_cast<int64_t>(j) * m + c] -= static_cast<float>(mean[j] * colsum[c]);
}

// Replaces the columns of Y (rows x m) by an orthonormal basis of their span, via the
// eigen-decomposition of Y^T Y (numerically rank-deficient directions become zero).
void orthonormalise(float* Y, int64_t rows, int m, int threads) {
  for (int pass = 0; pass < 2; ++pass) {  // twice, as in CholeskyQR2, for orthogonality in float
    std::vector<float> G(static_cast<size_t>(m) * m);
    gemm_tn(Y, rows, m, Y, m, G.data(), threads);
    std::vector<double> Gd(G.begin(), G.end()), V;
    const std::vector<double> values = symmetric_eigen(Gd, m, V);
    const double floor = std::max(values[0], 0.0) * 1e-12;
    std::vector<float> T(static_cast<size_t>(m) * m, 0.0f);
    for (int j = 0; j < m; ++j) {
      const double scale = values[j] > floor ? 1.0 / std::sqrt(values[j]) : 0.0;
      for (int k = 0; k < m; ++k) T[k * m + j] = static_cast<float>(V[k * m + j] * scale);
    }
    std::vector<float> out(static_cast<size_t>(rows) * m);
    gemm_nn(Y, rows, m, T.data(), m, out.data(), threads);
    std::copy(out.begin(), out.end(), Y);
  }
}

}  // namespace

void pca_project(const float* X, int64_t n, int d, const PcaParams& params, float* scores,
                 double* variance) {
  const int k = params.components;
  const int threads = resolve_threads(params.threads);
  if (k < 1 || k > d || k > n) throw KernelError("BAD_ARGUMENT", "pca: components must be in 1..min(n, d)");
  // k plus ~10 oversampling columns, rounded to whole vectors; never more than the rank allows.
  const int m = static_cast<int>(std::min<int64_t>({(k + 10 + 15) / 16 * 16, d, n}));

  const std::vector<double> mean = column_means(X, n, d, threads);
  Random random(params.seed);
  std::vector<float> omega(static_cast<size_t>(d) * m);
  for (float& w : omega) w = static_cast<float>(random.normal());

  std::vector<float> Q(static_cast<size_t>(n) * m), Z(static_cast<size_t>(d) * m);
  gemm_nn(X, n, d, omega.data(), m, Q.data(), threads);
  subtract_mean_product(Q.data(), n, m, mean, omega.data(), threads);
  orthonormalise(Q.data(), n, m, threads);
  for (int it = 0; it < params.power_iterations; ++it) {
    centred_tn(X, n, d, mean, Q.data(), m, Z.data(), threads);
    orthonormalise(Z.data(), d, m, threads);
    gemm_nn(X, n, d, Z.data(), m, Q.data(), threads);
    subtract_mean_product(Q.data(), n, m, mean, Z.data(), threads);
    orthonormalise(Q.data(), n, m, threads);
  }
  // X_c ~ Q Q^T X_c; with M = X_c^T Q, the top singular triplets come from M^T M = U S^2 U^T,
  // and the scores X_c V = Q U S.
  centred_tn(X, n, d, mean, Q.data(), m, Z.data(), threads);
  std::vector<float> S(static_cast<size_t>(m) * m);
  gemm_tn(Z.data(), d, m, Z.data(), m, S.data(), threads);
  std::vector<double> U;
  const std::vector<double> values = symmetric_eigen(std::vector<double>(S.begin(), S.end()), m, U);
  const std::vector<float> US = scaled_components(U, values, m, k);
  gemm_nn(Q.data(), n, m, US.data(), k, scores, threads);
  orient_scores(scores, n, k, values, variance);
}

}  // namespace lookalike
