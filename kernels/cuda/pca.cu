// Randomised PCA with the CPU's steps (kernels/cpu/pca.cc) and random matrix: the products
// with X run on the device, the m x m eigen-decompositions (m = components + ~10) on the
// host, as does the final sign choice on the downloaded scores.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../cpu/pca_scores.h"
#include "../cpu/random.h"
#include "../cpu/small_linalg.h"
#include "device.cuh"
#include "gemm.cuh"
#include "lookalike/cuda.h"
#include "lookalike/status.h"

namespace lookalike::cuda {
namespace {

class Pca {
 public:
  Pca(const float* X, int64_t n, int d, int m) : n_(n), d_(d), m_(m), x_(n * d), sums_(std::max(d, m)) {
    x_.upload(X, n * d, stream_.get());
    column_sums(x_.get(), n, d, sums_.get(), column_partials_, stream_.get());
    mean_.resize(d);
    download(sums_, mean_.data(), d);
    for (double& v : mean_) v /= static_cast<double>(n);
    mean_device_ = DeviceArray<double>(d);
    mean_device_.upload(mean_.data(), d, stream_.get());
  }

  cudaStream_t stream() const { return stream_.get(); }

  // Q (n x m) = X_c B for B (d x m) on the device, centred after the fact as the CPU does:
  // minus 1 (mean^T B), with mean^T B summed in double on the host.
  void centred_nn(const DeviceArray<float>& B, DeviceArray<float>& Q) {
    std::vector<float> b(static_cast<size_t>(d_) * m_);
    download(B, b.data(), d_ * m_);
    std::vector<double> shift(m_, 0.0);
    for (int c = 0; c < m_; ++c) {
      double s = 0;
      for (int j = 0; j < d_; ++j) s += mean_[j] * b[static_cast<size_t>(j) * m_ + c];
      shift[c] = static_cast<float>(s);
    }
    gemm_nn(x_.get(), n_, d_, B.get(), m_, Q.get(), stream());
    vector_.reserve(m_);
    vector_.upload(shift.data(), m_, stream());
    subtract_outer(Q.get(), n_, m_, nullptr, vector_.get(), stream());
  }

  // Z (d x m) = X_c^T Q = X^T Q - mean (1^T Q).
  void centred_tn(const DeviceArray<float>& Q, DeviceArray<float>& Z) {
    gemm_tn(x_.get(), n_, d_, Q.get(), m_, Z.get(), product_partials_, stream());
    column_sums(Q.get(), n_, m_, sums_.get(), column_partials_, stream());
    std::vector<double> colsum(m_);
    download(sums_, colsum.data(), m_);
    vector_.reserve(m_);
    vector_.upload(colsum.data(), m_, stream());
    subtract_outer(Z.get(), d_, m_, mean_device_.get(), vector_.get(), stream());
  }

  // Y (rows x m) := an orthonormal basis of its columns' span, via the eigen-decomposition
  // of Y^T Y, twice (CholeskyQR2's reasoning); tmp has room for rows x m.
  void orthonormalise(DeviceArray<float>& Y, int64_t rows, DeviceArray<float>& tmp) {
    for (int pass = 0; pass < 2; ++pass) {
      const std::vector<double> G = gram(Y, rows);
      std::vector<double> V;
      const std::vector<double> values = symmetric_eigen(G, m_, V);
      const double floor = std::max(values[0], 0.0) * 1e-12;
      std::vector<float> T(static_cast<size_t>(m_) * m_, 0.0f);
      for (int j = 0; j < m_; ++j) {
        const double scale = values[j] > floor ? 1.0 / std::sqrt(values[j]) : 0.0;
        for (int k = 0; k < m_; ++k) T[k * m_ + j] = static_cast<float>(V[k * m_ + j] * scale);
      }
      gemm_nn(Y.get(), rows, m_, upload_small(T), m_, tmp.get(), stream());
      std::swap(Y, tmp);
    }
  }

  // Y^T Y (m x m), in double for the host's eigen-decomposition.
  std::vector<double> gram(const DeviceArray<float>& Y, int64_t rows) {
    small_.reserve(static_cast<int64_t>(m_) * m_);
    gemm_tn(Y.get(), rows, m_, Y.get(), m_, small_.get(), product_partials_, stream());
    std::vector<float> G(static_cast<size_t>(m_) * m_);
    download(small_, G.data(), static_cast<int64_t>(m_) * m_);
    return std::vector<double>(G.begin(), G.end());
  }

  // A small matrix (m x m, m x k) for the device; valid until the next call.
  const float* upload_small(const std::vector<float>& a) {
    small_.reserve(static_cast<int64_t>(a.size()));
    small_.upload(a.data(), static_cast<int64_t>(a.size()), stream());
    return small_.get();
  }

  template <typename T>
  void download(const DeviceArray<T>& from, T* to, int64_t count) {
    from.download(to, count, stream());
    stream_.sync();
  }

 private:
  Stream stream_;
  int64_t n_;
  int d_, m_;
  DeviceArray<float> x_;
  DeviceArray<double> sums_, mean_device_, column_partials_, vector_;
  DeviceArray<float> product_partials_, small_;
  std::vector<double> mean_;
};

}  // namespace

void pca_project(const float* X, int64_t n, int d, const PcaParams& params, float* scores, double* variance) {
  const int k = params.components;
  if (k < 1 || k > d || k > n) throw KernelError("BAD_ARGUMENT", "pca: components must be in 1..min(n, d)");
  const int m = static_cast<int>(std::min<int64_t>({(k + 10 + 15) / 16 * 16, d, n}));
  require_device();
  Pca pca(X, n, d, m);
  cudaStream_t s = pca.stream();

  Random random(params.seed);
  std::vector<float> omega(static_cast<size_t>(d) * m);
  for (float& w : omega) w = static_cast<float>(random.normal());
  // Each big enough for either shape: orthonormalise swaps them around.
  const int64_t room = std::max<int64_t>(n, d) * m;
  DeviceArray<float> Z(room), Q(room), tmp(room);
  Z.upload(omega.data(), static_cast<int64_t>(d) * m, s);

  pca.centred_nn(Z, Q);
  pca.orthonormalise(Q, n, tmp);
  for (int it = 0; it < params.power_iterations; ++it) {
    pca.centred_tn(Q, Z);
    pca.orthonormalise(Z, d, tmp);
    pca.centred_nn(Z, Q);
    pca.orthonormalise(Q, n, tmp);
  }
  // X_c ~ Q Q^T X_c; with M = X_c^T Q, the top singular triplets come from M^T M = U S^2 U^T,
  // and the scores X_c V = Q U S.
  pca.centred_tn(Q, Z);
  std::vector<double> U;
  const std::vector<double> values = symmetric_eigen(pca.gram(Z, d), m, U);
  const std::vector<float> US = scaled_components(U, values, m, k);
  gemm_nn(Q.get(), n, m, pca.upload_small(US), k, tmp.get(), s);
  pca.download(tmp, scores, n * k);
  orient_scores(scores, n, k, values, variance);
}

}  // namespace lookalike::cuda
