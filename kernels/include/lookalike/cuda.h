// CUDA versions of the kernels, with the CPU contracts (knn.h, tsne_optimize.h, pca.h, kmeans.h).
// Built only when nvcc is found (LOOKALIKE_CUDA); without it device_count() is 0 and
// nothing else here is linked. Failures of the CUDA runtime are KernelError "CUDA_ERROR"
// naming the call; device memory is freed on every path.
#pragma once
#include <cstdint>

#include "lookalike/csr.h"
#include "lookalike/kmeans.h"
#include "lookalike/pca.h"
#include "lookalike/tsne_optimize.h"

namespace lookalike::cuda {

// Usable CUDA devices; 0 when there is no driver or no device. Never throws.
int device_count() noexcept;

struct MemoryUse {
  int64_t current_bytes;  // device memory these kernels hold now: 0 between calls
  int64_t peak_bytes;     // most they held at once since the last reset
  int64_t free_bytes;   // the device's free and total memory now (cudaMemGetInfo)
  int64_t total_bytes;
};
MemoryUse memory_use(bool reset_peak);

// knn_exact of knn.h on device 0 (the thread count has no meaning here).
void knn_exact(const float* X, int64_t n, int d, int k, int32_t* indices, float* distances);

// tsne_gradient of tsne_optimize.h on device 0.
GradientResult tsne_gradient(const CsrView& P, const float* Y, double exaggeration, Repulsion repulsion,
                             const FftParams& fft, bool with_kl, float* grad);

// tsne_optimize of tsne_optimize.h: P, Y and the optimiser state stay on the device for
// the whole call; `report` runs on the calling thread. params.threads is unused.
int tsne_optimize(const CsrView& P, float* Y, float* update, float* gains, const OptimizeParams& params,
                  const OptimizeReport& report);

// pca_project of pca.h: the same random matrix and steps, the products on device 0.
// params.threads is unused.
void pca_project(const float* X, int64_t n, int d, const PcaParams& params, float* scores, double* variance);

// kmeans of kmeans.h on device 0: the same seeds (drawn on the host with params.threads
// threads), the same stopping rule, and the steps on the device; the inertias agree with
// the CPU version's up to rounding, and a run gives the same bits every time.
KmeansResult kmeans(const float* X, int64_t n, int d, const KmeansParams& params, int32_t* labels,
                    float* centroids);

}  // namespace lookalike::cuda
