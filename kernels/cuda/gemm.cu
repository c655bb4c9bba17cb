// 64 x 64 output tiles, 4 x 4 per thread, the inner dimension staged through shared
// memory 16 at a time. A^T B sums row chunks into separate partial tiles, then adds the
// chunks in order: no atomics, so the same input gives the same bits.
#include <algorithm>

#include "gemm.cuh"
#include "tile.cuh"

namespace lookalike::cuda {
namespace {

using tile::kStep;
using tile::kStride;
using tile::kThreads;
using tile::kTile;

__device__ inline void store_tile(const float (&acc)[4][4], float* C, int64_t rows, int m, int64_t r0, int c0) {
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
#pragma unroll
  for (int r = 0; r < 4; ++r)
#pragma unroll
    for (int c = 0; c < 4; ++c) {
      const int64_t row = r0 + 4 * ty + r;
      const int col = c0 + 4 * tx + c;
      if (row < rows && col < m) C[row * m + col] = acc[r][c];
    }
}

__global__ void __launch_bounds__(kThreads) nn_kernel(const float* __restrict__ A, int64_t rows, int d,
                                                       const float* __restrict__ B, int m, float* __restrict__ C) {
  __shared__ __align__(16) float a[kStep][kStride];  // [p][row]
  __shared__ __align__(16) float b[kStep][kStride];  // [p][column]
  const int64_t r0 = static_cast<int64_t>(blockIdx.x) * kTile;
  const int c0 = blockIdx.y * kTile;
  float acc[4][4] = {};
  for (int p0 = 0; p0 < d; p0 += kStep) {
    __syncthreads();
    for (int e = threadIdx.x; e < kTile * kStep; e += kThreads) {
      const int r = e / kStep, p = e % kStep;
      a[p][r] = (r0 + r < rows && p0 + p < d) ? A[(r0 + r) * d + p0 + p] : 0.0f;
      const int q = e / kTile, c = e % kTile;
      b[q][c] = (p0 + q < d && c0 + c < m) ? B[static_cast<int64_t>(p0 + q) * m + c0 + c] : 0.0f;
    }
    __syncthreads();
    tile::multiply(a, b, acc);
  }
  store_tile(acc, C, rows, m, r0, c0);
}

// Partial tile z: rows [z * chunk, (z + 1) * chunk) of A^T B, into partials[z] (d x m).
__global__ void __launch_bounds__(kThreads) tn_kernel(const float* __restrict__ A, int64_t rows, int d,
                                                       const float* __restrict__ B, int m, int64_t chunk,
                                                       float* __restrict__ partials) {
  __shared__ __align__(16) float a[kStep][kStride];  // [row][column of A]
  __shared__ __align__(16) float b[kStep][kStride];  // [row][column of B]
  const int i0 = blockIdx.x * kTile, j0 = blockIdx.y * kTile;
  const int64_t begin = blockIdx.z * chunk, end = min(rows, begin + chunk);
  float acc[4][4] = {};
  for (int64_t s = begin; s < end; s += kStep) {
    __syncthreads();
    for (int e = threadIdx.x; e < kTile * kStep; e += kThreads) {
      const int r = e / kTile, c = e % kTile;
      const bool row_in = s + r < end;
      a[r][c] = (row_in && i0 + c < d) ? A[(s + r) * d + i0 + c] : 0.0f;
      b[r][c] = (row_in && j0 + c < m) ? B[(s + r) * m + j0 + c] : 0.0f;
    }
    __syncthreads();
    tile::multiply(a, b, acc);
  }
  store_tile(acc, partials + static_cast<int64_t>(blockIdx.z) * d * m, d, m, i0, j0);
}

__global__ void sum_chunks(const float* __restrict__ partials, int chunks, int64_t size, float* __restrict__ C) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (e >= size) return;
  float s = 0;
  for (int z = 0; z < chunks; ++z) s += partials[z * size + e];
  C[e] = s;
}

__global__ void column_sum_kernel(const float* __restrict__ A, int64_t rows, int cols, int64_t chunk,
                                  double* __restrict__ partials) {
  const int c = blockIdx.x * kThreads + threadIdx.x;
  if (c >= cols) return;
  const int64_t begin = blockIdx.y * chunk, end = min(rows, begin + chunk);
  double s = 0;
  for (int64_t r = begin; r < end; ++r) s += A[r * cols + c];
  partials[static_cast<int64_t>(blockIdx.y) * cols + c] = s;
}

__global__ void sum_column_chunks(const double* __restrict__ partials, int chunks, int cols, double* __restrict__ sums) {
  const int c = blockIdx.x * kThreads + threadIdx.x;
  if (c >= cols) return;
  double s = 0;
  for (int z = 0; z < chunks; ++z) s += partials[static_cast<int64_t>(z) * cols + c];
  sums[c] = s;
}

__global__ void subtract_outer_kernel(float* __restrict__ A, int64_t rows, int cols, const double* __restrict__ u,
                                      const double* __restrict__ v) {
  const int64_t e = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (e >= rows * cols) return;
  const int64_t r = e / cols;
  const int c = static_cast<int>(e % cols);
  A[e] -= static_cast<float>(u ? u[r] * v[c] : v[c]);
}

}  // namespace

void gemm_nn(const float* A, int64_t rows, int d, const float* B, int m, float* C, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>(blocks_for(rows, kTile)), static_cast<unsigned>(blocks_for(m, kTile)));
  nn_kernel<<<grid, kThreads, 0, stream>>>(A, rows, d, B, m, C);
  check_launch("nn_kernel");
}

void gemm_tn(const float* A, int64_t rows, int d, const float* B, int m, float* C, DeviceArray<float>& partials,
             cudaStream_t stream) {
  // Enough row chunks for about 512 blocks; the split depends on the shapes alone.
  const int64_t tiles = blocks_for(d, kTile) * blocks_for(m, kTile);
  const int64_t wanted = std::max<int64_t>(1, 512 / tiles);
  const int64_t chunk = std::max<int64_t>(kStep, blocks_for(blocks_for(rows, wanted), kStep) * kStep);
  const int chunks = static_cast<int>(blocks_for(rows, chunk));
  const int64_t size = static_cast<int64_t>(d) * m;
  partials.reserve(chunks * size);
  const dim3 grid(static_cast<unsigned>(blocks_for(d, kTile)), static_cast<unsigned>(blocks_for(m, kTile)), chunks);
  tn_kernel<<<grid, kThreads, 0, stream>>>(A, rows, d, B, m, chunk, partials.get());
  check_launch("tn_kernel");
  sum_chunks<<<static_cast<unsigned>(blocks_for(size, kThreads)), kThreads, 0, stream>>>(partials.get(), chunks, size, C);
  check_launch("sum_chunks");
}

void column_sums(const float* A, int64_t rows, int cols, double* sums, DeviceArray<double>& partials,
                 cudaStream_t stream) {
  constexpr int64_t kChunk = 512;
  const int chunks = static_cast<int>(blocks_for(rows, kChunk));
  partials.reserve(static_cast<int64_t>(chunks) * cols);
  const unsigned column_blocks = static_cast<unsigned>(blocks_for(cols, kThreads));
  column_sum_kernel<<<dim3(column_blocks, chunks), kThreads, 0, stream>>>(A, rows, cols, kChunk, partials.get());
  check_launch("column_sum_kernel");
  sum_column_chunks<<<column_blocks, kThreads, 0, stream>>>(partials.get(), chunks, cols, sums);
  check_launch("sum_column_chunks");
}

void subtract_outer(float* A, int64_t rows, int cols, const double* u, const double* v, cudaStream_t stream) {
  subtract_outer_kernel<<<static_cast<unsigned>(blocks_for(rows * cols, kThreads)), kThreads, 0, stream>>>(A, rows, cols,
                                                                                                            u, v);
  check_launch("subtract_outer_kernel");
}

}  // namespace lookalike::cuda
