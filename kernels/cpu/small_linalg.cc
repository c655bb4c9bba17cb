#include "small_linalg.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>

namespace lookalike {
namespace {

// Z is kept transposed (Zt = Z^T, one accumulated vector per row), so that every update
// of it runs along contiguous rows.

// A := H A H and Zt := H Zt for the reflection H = I - 2 v v^T (|v| = 1, zero before row
// s) that maps column k's entries from row s down onto row s alone.
void reflect_column(std::vector<double>& A, std::vector<double>& Zt, int m, int k) {
  const int s = k + 1;
  std::vector<double> v(m, 0.0), w(m, 0.0);
  double norm = 0;
  for (int i = s; i < m; ++i) norm += A[i * m + k] * A[i * m + k];
  norm = std::sqrt(norm);
  if (norm == 0) return;
  // The target alpha e_s has the opposite sign of the leading entry: no cancellation in v.
  const double alpha = A[s * m + k] > 0 ? -norm : norm;
  for (int i = s; i < m; ++i) v[i] = A[i * m + k];
  v[s] -= alpha;
  double length = 0;
  for (int i = s; i < m; ++i) length += v[i] * v[i];
  length = std::sqrt(length);
  if (length == 0) return;
  for (int i = s; i < m; ++i) v[i] /= length;
  // The trailing block B := H B H = B - 2 v w^T - 2 w v^T with w = B v - (v^T B v) v.
  double vbv = 0;
  for (int i = s; i < m; ++i) {
    double t = 0;
    for (int j = s; j < m; ++j) t += A[i * m + j] * v[j];
    w[i] = t;
    vbv += v[i] * t;
  }
  for (int i = s; i < m; ++i) w[i] -= vbv * v[i];
  for (int i = s; i < m; ++i)
    for (int j = s; j < m; ++j) A[i * m + j] -= 2 * (v[i] * w[j] + w[i] * v[j]);
  for (int i = s; i < m; ++i) A[i * m + k] = A[k * m + i] = i == s ? alpha : 0.0;
  std::vector<double> u(m, 0.0);  // v^T Zt
  for (int j = s; j < m; ++j)
    for (int r = 0; r < m; ++r) u[r] += v[j] * Zt[j * m + r];
  for (int j = s; j < m; ++j)
    for (int r = 0; r < m; ++r) Zt[j * m + r] -= 2 * v[j] * u[r];
}

// T := R T R^T and Zt := R Zt for the rotation R of coordinates (k, k + 1) by (c, s):
// new row k = c row_k + s row_{k+1}, new row k + 1 = c row_{k+1} - s row_k. On a
// tridiagonal T with one bulge only rows and columns k - 1 .. k + 2 hold nonzeros.
void rotate(std::vector<double>& T, std::vector<double>& Zt, int m, int k, double c, double s) {
  const int lo = std::max(0, k - 1), hi = std::min(m - 1, k + 2);
  for (int j = lo; j <= hi; ++j) {
    const double a = T[k * m + j], b = T[(k + 1) * m + j];
    T[k * m + j] = c * a + s * b;
    T[(k + 1) * m + j] = c * b - s * a;
  }
  for (int i = lo; i <= hi; ++i) {
    const double a = T[i * m + k], b = T[i * m + k + 1];
    T[i * m + k] = c * a + s * b;
    T[i * m + k + 1] = c * b - s * a;
  }
  double* zk = Zt.data() + static_cast<size_t>(k) * m;
  double* zk1 = zk + m;
  for (int r = 0; r < m; ++r) {
    const double a = zk[r], b = zk1[r];
    zk[r] = c * a + s * b;
    zk1[r] = c * b - s * a;
  }
}

// Whether T's entry below (i, i) is negligible beside the two diagonal entries; if so it
// is set to zero, splitting the matrix there.
bool negligible(std::vector<double>& T, int m, int i) {
  double& below = T[(i + 1) * m + i];
  if (std::abs(below) > DBL_EPSILON * (std::abs(T[i * m + i]) + std::abs(T[(i + 1) * m + i + 1])) &&
      std::abs(below) >= DBL_MIN)
    return false;
  below = T[i * m + i + 1] = 0;
  return true;
}

}  // namespace

// Householder reduction to tridiagonal form, then implicit QR steps with Wilkinson shifts
// on the unreduced trailing block until every off-diagonal entry is negligible, both
// accumulating their orthogonal transformations: A = Z T Z^T throughout. O(m^3), about a
// twentieth of cyclic Jacobi's time at m = 64.
std::vector<double> symmetric_eigen(std::vector<double> A, int m, std::vector<double>& V) {
  std::vector<double> Zt(static_cast<size_t>(m) * m, 0.0);
  for (int i = 0; i < m; ++i) Zt[i * m + i] = 1.0;
  for (int k = 0; k + 2 < m; ++k) reflect_column(A, Zt, m, k);

  int hi = m - 1;
  for (int steps = 0; hi > 0 && steps < 30 * m;) {
    if (negligible(A, m, hi - 1)) {
      --hi;
      continue;
    }
    int lo = hi - 1;
    while (lo > 0 && !negligible(A, m, lo - 1)) --lo;
    ++steps;
    // The shift: the eigenvalue of the trailing 2 x 2 block nearer its last entry.
    const double a = A[(hi - 1) * m + hi - 1], b = A[hi * m + hi - 1], c = A[hi * m + hi];
    const double delta = (a - c) / 2;
    const double mu = c - b * b / (delta + std::copysign(std::hypot(delta, b), delta));
    // The first rotation is that of the shifted first column; each next one chases the
    // bulge it leaves below the subdiagonal down and out of the block.
    double x = A[lo * m + lo] - mu, z = A[(lo + 1) * m + lo];
    for (int k = lo; k < hi; ++k) {
      if (k > lo) x = A[k * m + k - 1], z = A[(k + 1) * m + k - 1];
      const double r = std::hypot(x, z);
      if (r == 0) continue;
      rotate(A, Zt, m, k, x / r, z / r);
      if (k > lo) A[(k + 1) * m + k - 1] = A[(k - 1) * m + k + 1] = 0;  // the bulge, gone up to rounding
    }
  }

  std::vector<int> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int p, int q) { return A[p * m + p] > A[q * m + q]; });
  std::vector<double> values(m);
  V.assign(static_cast<size_t>(m) * m, 0.0);
  for (int j = 0; j < m; ++j) {
    values[j] = A[order[j] * m + order[j]];
    for (int k = 0; k < m; ++k) V[k * m + j] = Zt[order[j] * m + k];
  }
  return values;
}

}  // namespace lookalike
