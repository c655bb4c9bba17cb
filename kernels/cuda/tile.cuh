// The register tile of the dense products (gemm.cu) and of k-means' assignment: 256
// threads compute a 64 x 64 block of dot products, 4 x 4 each, from operands staged in
// shared memory 16 dimensions at a time.
#pragma once
#include <cuda_runtime.h>

namespace lookalike::cuda::tile {

constexpr int kThreads = 256;
constexpr int kTile = 64;
constexpr int kStep = 16;
constexpr int kStride = kTile + 4;  // 16-byte aligned rows

// acc[r][c] += a[p][4 ty + r] * b[p][4 tx + c] over the staged p, with tx = thread % 16
// and ty = thread / 16.
__device__ inline void multiply(const float (*a)[kStride], const float (*b)[kStride], float (&acc)[4][4]) {
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
#pragma unroll
  for (int p = 0; p < kStep; ++p) {
    const float4 av = *reinterpret_cast<const float4*>(&a[p][4 * ty]);
    const float4 bv = *reinterpret_cast<const float4*>(&b[p][4 * tx]);
    const float x[4] = {av.x, av.y, av.z, av.w}, y[4] = {bv.x, bv.y, bv.z, bv.w};
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
      for (int c = 0; c < 4; ++c) acc[r][c] = fmaf(x[r], y[c], acc[r][c]);
  }
}

}  // namespace lookalike::cuda::tile
