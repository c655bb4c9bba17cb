// Dense products for tall-skinny matrices on the device (the shapes PCA needs), row-major,
// and column sums; every sum in an order fixed by the shapes, so results are reproducible.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "device.cuh"

namespace lookalike::cuda {

// C (rows x m) = A (rows x d) * B (d x m).
void gemm_nn(const float* A, int64_t rows, int d, const float* B, int m, float* C, cudaStream_t stream);

// C (d x m) = A^T (d x rows) * B (rows x m), summed over row chunks then over the chunks
// in order; `partials` is grown as needed.
void gemm_tn(const float* A, int64_t rows, int d, const float* B, int m, float* C, DeviceArray<float>& partials,
             cudaStream_t stream);

// sums[c] = sum over rows of A[r][c], in double.
void column_sums(const float* A, int64_t rows, int cols, double* sums, DeviceArray<double>& partials,
                 cudaStream_t stream);

// A[r][c] -= float(u[r] * v[c]) (u null: 1), the CPU's centring corrections.
void subtract_outer(float* A, int64_t rows, int cols, const double* u, const double* v, cudaStream_t stream);

}  // namespace lookalike::cuda
