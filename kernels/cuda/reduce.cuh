// Deterministic reductions: every sum is taken in an order fixed by the launch shape
// alone (a shuffle butterfly inside each warp, then the warps in index order), never by
// atomics, so the same input gives the same bits on every run.
#pragma once
#include <cuda_runtime.h>

namespace lookalike::cuda {

__device__ inline double warp_sum(double v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// Sum over the block; the result is valid in thread 0. `scratch` holds one double per warp.
__device__ inline double block_sum(double v, double* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  double total = 0;
  if (threadIdx.x == 0)
    for (int w = 0; w < warps; ++w) total += scratch[w];
  __syncthreads();  // scratch may be reused right after
  return total;
}

// out[c] = sum over b < count of partials[c * stride + b], for each channel c < channels:
// one block per channel, thread t summing entries t, t + 256, ... before the block sum.
void sum_partials(const double* partials, int count, int stride, int channels, double* out, cudaStream_t stream);

}  // namespace lookalike::cuda
