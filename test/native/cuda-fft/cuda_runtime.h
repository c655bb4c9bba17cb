// Host stand-in for the CUDA runtime header, so that check.cc compiles the real
// kernels/cuda/fft.cuh with g++: one thread per block (the butterflies of a stage are
// independent, so running them in turn gives the device's results).
#pragma once
struct float2 {
  float x, y;
};
inline float2 make_float2(float x, float y) { return {x, y}; }
struct Index {
  int x;
};
inline constexpr Index threadIdx{0}, blockDim{1};
#define __device__
#define __restrict__
inline void __syncthreads() {}
inline float2 __ldg(const float2* p) { return *p; }
