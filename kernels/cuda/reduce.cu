#include "device.cuh"
#include "reduce.cuh"

namespace lookalike::cuda {
namespace {

constexpr int kThreads = 256;

__global__ void sum_partials_kernel(const double* partials, int count, int stride, double* out) {
  __shared__ double scratch[kThreads / 32];
  const double* p = partials + static_cast<int64_t>(blockIdx.x) * stride;
  double s = 0;
  for (int b = threadIdx.x; b < count; b += kThreads) s += p[b];
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) out[blockIdx.x] = s;
}

}  // namespace

void sum_partials(const double* partials, int count, int stride, int channels, double* out, cudaStream_t stream) {
  sum_partials_kernel<<<channels, kThreads, 0, stream>>>(partials, count, stride, out);
  check_launch("sum_partials");
}

}  // namespace lookalike::cuda
