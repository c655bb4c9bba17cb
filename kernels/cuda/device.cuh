// Host-side plumbing for the CUDA kernels: every runtime call checked and turned into a
// KernelError naming it, and RAII owners for device memory, streams, events and pinned
// host memory, so an exception on any path frees everything.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <utility>

namespace lookalike::cuda {

[[noreturn]] void throw_cuda_error(cudaError_t error, const char* call);

inline void check(cudaError_t error, const char* call) {
  if (error != cudaSuccess) throw_cuda_error(error, call);
}

// After a launch: a bad configuration shows here, a fault in the kernel at the next sync.
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

#define LK_CUDA(call) ::lookalike::cuda::check((call), #call)

// Device memory accounting for MemoryUse::peak_bytes.
void note_allocated(int64_t bytes);
void note_freed(int64_t bytes);

template <typename T>
class DeviceArray {
 public:
  DeviceArray() = default;
  explicit DeviceArray(int64_t count) { allocate(count); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  DeviceArray(DeviceArray&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  ~DeviceArray() { release(); }

  // Discards the contents; a no-op when the array already holds `count` or more.
  void reserve(int64_t count) {
    if (count <= count_) return;
    release();
    allocate(count);
  }
  T* get() const { return ptr_; }
  int64_t size() const { return count_; }

  void upload(const T* host, int64_t count, cudaStream_t stream) {
    LK_CUDA(cudaMemcpyAsync(ptr_, host, sizeof(T) * count, cudaMemcpyHostToDevice, stream));
  }
  void download(T* host, int64_t count, cudaStream_t stream) const {
    LK_CUDA(cudaMemcpyAsync(host, ptr_, sizeof(T) * count, cudaMemcpyDeviceToHost, stream));
  }
  void zero(int64_t count, cudaStream_t stream) { LK_CUDA(cudaMemsetAsync(ptr_, 0, sizeof(T) * count, stream)); }

 private:
  void allocate(int64_t count) {
    if (count <= 0) return;
    void* p = nullptr;
    LK_CUDA(cudaMalloc(&p, sizeof(T) * count));
    ptr_ = static_cast<T*>(p);
    count_ = count;
    note_allocated(static_cast<int64_t>(sizeof(T)) * count);
  }
  void release() noexcept {
    if (!ptr_) return;
    cudaFree(ptr_);  // in a destructor: a failure here (a dead context) has nowhere to go
    note_freed(static_cast<int64_t>(sizeof(T)) * count_);
    ptr_ = nullptr;
    count_ = 0;
  }
  T* ptr_ = nullptr;
  int64_t count_ = 0;
};

// Page-locked host memory, so small device-to-host copies run asynchronously.
template <typename T>
class PinnedArray {
 public:
  explicit PinnedArray(int64_t count) {
    void* p = nullptr;
    LK_CUDA(cudaMallocHost(&p, sizeof(T) * count));
    ptr_ = static_cast<T*>(p);
  }
  PinnedArray(const PinnedArray&) = delete;
  PinnedArray& operator=(const PinnedArray&) = delete;
  ~PinnedArray() { cudaFreeHost(ptr_); }
  T* get() const { return ptr_; }
  T& operator[](int64_t i) const { return ptr_[i]; }

 private:
  T* ptr_ = nullptr;
};

class Stream {
 public:
  Stream() { LK_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { cudaStreamDestroy(stream_); }
  cudaStream_t get() const { return stream_; }
  void sync() const { LK_CUDA(cudaStreamSynchronize(stream_)); }

 private:
  cudaStream_t stream_ = nullptr;
};

class Event {
 public:
  Event() { LK_CUDA(cudaEventCreateWithFlags(&event_, cudaEventDisableTiming)); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() { cudaEventDestroy(event_); }
  void record(cudaStream_t stream) { LK_CUDA(cudaEventRecord(event_, stream)); }
  void sync() const { LK_CUDA(cudaEventSynchronize(event_)); }

 private:
  cudaEvent_t event_ = nullptr;
};

// Throws a KernelError unless a device is present; selects device 0.
void require_device();

inline int64_t blocks_for(int64_t items, int per_block) { return (items + per_block - 1) / per_block; }

}  // namespace lookalike::cuda
