#include "small_linalg.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lookalike {

std::vector<double> symmetric_eigen(std::vector<double> A, int m, std::vector<double>& V) {
  std::vector<double> W(static_cast<size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i) W[i * m + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, total = 0;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) (i == j ? total : off) += A[i * m + j] * A[i * m + j];
    if (off <= 1e-30 * (total + off) || off == 0) break;
    for (int p = 0; p < m - 1; ++p)
      for (int q = p + 1; q < m; ++q) {
        const double apq = A[p * m + q];
        if (std::abs(apq) < 1e-300) continue;
        const double theta = (A[q * m + q] - A[p * m + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1 : -1) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < m; ++k) {  // columns p, q
          const double akp = A[k * m + p], akq = A[k * m + q];
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (int k = 0; k < m; ++k) {  // rows p, q
          const double apk = A[p * m + k], aqk = A[q * m + k];
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < m; ++k) {
          const double wkp = W[k * m + p], wkq = W[k * m + q];
          W[k * m + p] = c * wkp - s * wkq;
          W[k * m + q] = s * wkp + c * wkq;
        }
      }
  }
  std::vector<int> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return A[a * m + a] > A[b * m + b]; });
  std::vector<double> values(m);
  V.assign(static_cast<size_t>(m) * m, 0.0);
  for (int j = 0; j < m; ++j) {
    values[j] = A[order[j] * m + order[j]];
    for (int k = 0; k < m; ++k) V[k * m + j] = W[k * m + order[j]];
  }
  return values;
}

}  // namespace lookalike
