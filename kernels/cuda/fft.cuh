// Complex FFTs of length 2^m or 3 * 2^m of one row in shared memory, by the whole block.
// Write N = R L, R = 1 or 3, L = 2^m. The forward transform is decimation in frequency:
// for N = 3 L first one radix-3 stage (x[n1 + L n2], n2 < 3, into third k2, times
// W_N^(n1 k2)), then radix-2 stages within each third; frequency k2 + 3 k1 lands at
// k2 L + bitreverse_m(k1). The inverse is the exact mirror (radix-2 decimation in time
// within each third, then the radix-3 stage), taking that order in and giving natural
// order out, so a convolution multiplies in the permuted order and never permutes. Both
// are unnormalised; the caller has synced the block after filling the row, and each
// returns after a sync.
#pragma once
#include <cuda_runtime.h>

namespace lookalike::cuda {

constexpr int kMaxFft = 8192;              // longest transform
constexpr int kMaxFft3 = 3 * kMaxFft / 4;  // longest of length 3 * 2^m (a longer one is never the shortest)
// twiddle[t] = exp(-2 pi i t / kMaxFft) for t < kMaxFft / 2, then, from kTwiddle3 on,
// twiddle[kTwiddle3 + t] = exp(-2 pi i t / kMaxFft3) for t < 2 kMaxFft3 / 3 (the radix-3 stage's).
constexpr int kTwiddle3 = kMaxFft / 2;
constexpr int kTwiddles = kTwiddle3 + 2 * kMaxFft3 / 3;
constexpr float kSin3 = 0.866025403784438647f;  // sin(2 pi / 3)

// The shortest length 2^m or 3 * 2^m >= need (need <= kMaxFft): 3/4 of the shortest power
// of two when that suffices (for 576 nodes 1536, not 2048: 0.56 of the 2-D work).
inline int fft_length_at_least(int need) {
  int size = 1;
  while (size < need) size <<= 1;
  if (size % 4 == 0 && 3 * (size / 4) >= need) size = 3 * (size / 4);
  return size;
}

__device__ inline float2 operator+(float2 a, float2 b) { return {a.x + b.x, a.y + b.y}; }
__device__ inline float2 operator-(float2 a, float2 b) { return {a.x - b.x, a.y - b.y}; }
__device__ inline float2 cmul(float2 a, float2 b) { return {a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x}; }
__device__ inline float2 cmul_conj(float2 a, float2 b) { return {a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y}; }

__device__ inline void fft_forward(float2* s, int size, const float2* __restrict__ twiddle) {
  const int L = size & -size;
  if (L != size) {
    const int step = kMaxFft3 / size;
    for (int b = threadIdx.x; b < L; b += blockDim.x) {
      const float2 x0 = s[b], x1 = s[b + L], x2 = s[b + 2 * L];
      const float2 t = x1 + x2, d = x1 - x2;
      const float2 m = {x0.x - 0.5f * t.x, x0.y - 0.5f * t.y};
      const float2 r = {kSin3 * d.y, -kSin3 * d.x};  // -i sin(2 pi / 3) d
      s[b] = x0 + t;
      s[b + L] = cmul(m + r, __ldg(&twiddle[kTwiddle3 + b * step]));
      s[b + 2 * L] = cmul(m - r, __ldg(&twiddle[kTwiddle3 + 2 * b * step]));
    }
    __syncthreads();
  }
  for (int half = L >> 1; half >= 1; half >>= 1) {
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
  const int L = size & -size;
  for (int half = 1; half < L; half <<= 1) {
    const int step = kMaxFft / (2 * half);
    for (int b = threadIdx.x; b < size / 2; b += blockDim.x) {
      const int j = b & (half - 1), i0 = 2 * b - j, i1 = i0 + half;
      const float2 u = s[i0], v = cmul_conj(s[i1], __ldg(&twiddle[j * step]));
      s[i0] = u + v;
      s[i1] = u - v;
    }
    __syncthreads();
  }
  if (L != size) {
    const int step = kMaxFft3 / size;
    for (int b = threadIdx.x; b < L; b += blockDim.x) {
      const float2 x0 = s[b];
      const float2 x1 = cmul_conj(s[b + L], __ldg(&twiddle[kTwiddle3 + b * step]));
      const float2 x2 = cmul_conj(s[b + 2 * L], __ldg(&twiddle[kTwiddle3 + 2 * b * step]));
      const float2 t = x1 + x2, d = x1 - x2;
      const float2 m = {x0.x - 0.5f * t.x, x0.y - 0.5f * t.y};
      const float2 r = {-kSin3 * d.y, kSin3 * d.x};  // i sin(2 pi / 3) d
      s[b] = x0 + t;
      s[b + L] = m + r;
      s[b + 2 * L] = m - r;
    }
    __syncthreads();
  }
}

}  // namespace lookalike::cuda
