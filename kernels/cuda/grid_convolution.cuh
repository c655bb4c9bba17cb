// Discrete convolution of the four t-SNE charge grids with the squared Cauchy kernel on
// a square grid of equispaced nodes (the far field of the FFT repulsion), by 2-D FFTs of
// size M = the shortest 2^m or 3 * 2^m >= 2 nodes - 1 with zero padding: a linear
// convolution, the same sums as the CPU's circulant embedding of twice the nodes.
#pragma once
#include <cuda_runtime.h>

#include "device.cuh"

namespace lookalike::cuda {

struct ChargeScale {
  double inverse[4];  // the charge grids hold round(charge * scale); this is 1 / scale
};

class GridConvolution {
 public:
  explicit GridConvolution(cudaStream_t stream);

  // potentials[y * nodes + x].{x,y,z,w} = sum over nodes m of K(spacing^2 |(x,y) - m|^2) times
  // charge 0..3 at m, K(d2) = 1 / (1 + d2)^2. `charges` ([y][x][4], fixed point) is all
  // zero again afterwards. Grows its buffers as needed (synchronising the stream first).
  void run(int nodes, double spacing, unsigned long long* charges, const ChargeScale& scale, float4* potentials,
           cudaStream_t stream);

 private:
  DeviceArray<float2> twiddle_;
  DeviceArray<float2> first_, second_;  // M x M each: the kernel's grids, then both charge pairs'
  DeviceArray<float> spectrum_;         // M x M, fft.cuh's permuted order both ways, times 1 / M^2
};

}  // namespace lookalike::cuda
