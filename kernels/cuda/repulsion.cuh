// The repulsive half of the t-SNE gradient on the device, exact (O(n^2)) or by FIt-SNE's
// grid interpolation (the same grid, nodes and charges as kernels/cpu/repulsion_fft.cc).
// Both write out (n) and the sum Z = sum_{i != j} q_ij to *z, in a fixed order.
#pragma once
#include <cuda_runtime.h>

#include "device.cuh"
#include "grid_convolution.cuh"
#include "lookalike/tsne_gradient.h"

namespace lookalike::cuda {

// The box around Y and whether every coordinate is finite, as the device measures it.
struct Bounds {
  float lo_x, lo_y, hi_x, hi_y;
  int finite;
};

void repulsion_exact(const float2* Y, int64_t n, float2* out, double* z, DeviceArray<double>& partials,
                     cudaStream_t stream);

class FftRepulsion {
 public:
  // Checks the parameters as the CPU does.
  FftRepulsion(int64_t n, const FftParams& params, cudaStream_t stream);
  // `box` must be Y's (measured on the device; the grid's size depends on it).
  void run(const float2* Y, const Bounds& box, float2* out, double* z, cudaStream_t stream);

 private:
  int64_t n_;
  FftParams params_;
  GridConvolution convolution_;
  DeviceArray<unsigned long long> charges_;  // [y][x][4] fixed point, zero between calls
  DeviceArray<float4> potentials_;
  DeviceArray<double> partials_;
};

}  // namespace lookalike::cuda
