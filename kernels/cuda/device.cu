#include <algorithm>
#include <atomic>
#include <string>

#include "device.cuh"
#include "lookalike/cuda.h"
#include "lookalike/status.h"

namespace lookalike::cuda {
namespace {

std::atomic<int64_t> allocated{0}, peak{0};

}  // namespace

void throw_cuda_error(cudaError_t error, const char* call) {
  cudaGetLastError();  // clear a non-sticky error so the next call starts clean
  throw KernelError("CUDA_ERROR", std::string(call) + " failed: " + cudaGetErrorName(error) + " (" +
                                      cudaGetErrorString(error) + ")");
}

void note_allocated(int64_t bytes) {
  const int64_t now = allocated += bytes;
  int64_t seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
}

void note_freed(int64_t bytes) { allocated -= bytes; }

int device_count() noexcept {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

void require_device() {
  if (device_count() == 0) throw KernelError("CUDA_ERROR", "no CUDA device is available");
  LK_CUDA(cudaSetDevice(0));
}

MemoryUse memory_use(bool reset_peak) {
  require_device();
  size_t free_bytes = 0, total_bytes = 0;
  LK_CUDA(cudaMemGetInfo(&free_bytes, &total_bytes));
  const MemoryUse use{allocated.load(), peak.load(), static_cast<int64_t>(free_bytes), static_cast<int64_t>(total_bytes)};
  if (reset_peak) peak = allocated.load();
  return use;
}

}  // namespace lookalike::cuda
