// Power-of-two complex FFTs of one row in shared memory, by the whole block. The forward
// transform is decimation in frequency (natural order in, bit-reversed out) and the
// inverse decimation in time (bit-reversed in, natural out), so a convolution multiplies
// in bit-reversed order and never permutes. Both are unnormalised; the caller has synced
// the block after filling the row, and each returns after a sync.
#pragma once
#include <cuda_runtime.h>

namespace lookalike::cuda {

constexpr int kMaxFft = 8192;  // longest transform; the twiddle table is built for it

__device__ inline float2 operator+(float2 a, float2 b) { return {a.x + b.x, a.y + b.y}; }
__device__ inline float2 operator-(float2 a, float2 b) { return {a.x - b.x, a.y - b.y}; }
__device__ inline float2 cmul(float2 a, float2 b) { return {a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x}; }
__device__ inline float2 cmul_conj(float2 a, float2 b) { return {a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y}; }

// twiddle[t] = exp(-2 pi i t / kMaxFft), t < kMaxFft / 2.
__device__ inline void fft_forward(float2* s, int size, const float2* __restrict__ twiddle) {
  for (int half = size >> 1; half >= 1; half >>= 1) {
    const int step = kMaxFft / (2 * half);
    for (int b = threadIdx.x; b < size / 2; b += blockDim.x) {
      const int j = b & (half - 1), i0 = 2 * b - j, i1 = i0 + half;
      const float2 u = s[i0], v = s[i1];
      s[i0] = u + v;
      s[i1] = cmul(u - v, __ldg(&twiddle[j * step]));
    }
    __syncthreads();
  }
}

__device__ inline void fft_inverse(float2* s, int size, const float2* __restrict__ twiddle) {
  for (int half = 1; half < size; half <<= 1) {
    const int step = kMaxFft / (2 * half);
    for (int b = threadIdx.x; b < size / 2; b += blockDim.x) {
      const int j = b & (half - 1), i0 = 2 * b - j, i1 = i0 + half;
      const float2 u = s[i0], v = cmul_conj(s[i1], __ldg(&twiddle[j * step]));
      s[i0] = u + v;
      s[i1] = u - v;
    }
    __syncthreads();
  }
}

}  // namespace lookalike::cuda
