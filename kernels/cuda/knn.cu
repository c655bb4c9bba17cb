// Exact kNN: each block owns 64 queries and streams all points past them in tiles of 64.
// A tile's 64 x 64 squared distances are summed in registers (4 x 4 per thread, direct
// differences, so the values match a sequential sum closely); those not beyond a query's
// current k-th distance join that query's buffer in shared memory, and a warp merges a
// buffer into the query's sorted top-k list (in global memory) once it is half full.
// Candidates are 64-bit keys (distance bits, index): the distances are non-negative, so
// comparing keys orders by distance, then index, as the CPU contract does.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "device.cuh"
#include "lookalike/cuda.h"
#include "lookalike/status.h"

namespace lookalike::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kQueries = 64;     // per block
constexpr int kCandidates = 64;  // per tile
constexpr int kDims = 64;        // dimensions loaded per pass
constexpr int kStride = 68;      // floats per shared row: 16-byte aligned, fewer bank conflicts
constexpr int kCap = 128;        // buffer slots per query: a power of two for the sort
constexpr uint64_t kEmpty = ~uint64_t{0};

struct Shared {
  float q[kDims][kStride];  // query tile, transposed: [dimension][query]
  float c[kDims][kStride];  // candidate tile, transposed
  uint64_t buffer[kQueries][kCap];
  int count[kQueries];   // entries in buffer
  int length[kQueries];  // entries in the top-k list so far
  float bound[kQueries];  // the list's k-th distance once full, else infinity
};

__device__ inline uint64_t make_key(float distance, int index) {
  return (static_cast<uint64_t>(__float_as_uint(distance)) << 32) | static_cast<uint32_t>(index);
}

// Loads rows [row0, row0 + 64) x dims [dim0, dim0 + kDims) of X into tile[dim][row], zeros outside.
__device__ inline void load_tile(const float* X, int64_t n, int d, int64_t row0, int dim0, float (*tile)[kStride]) {
  for (int e = threadIdx.x; e < kQueries * kDims; e += kThreads) {
    const int r = e / kDims, p = e % kDims;
    const int64_t row = row0 + r;
    tile[p][r] = (row < n && dim0 + p < d) ? X[row * d + dim0 + p] : 0.0f;
  }
}

// Number of entries of the sorted list [0, len) below key.
__device__ inline int rank_in(const uint64_t* list, int len, uint64_t key) {
  int lo = 0, hi = len;
  while (lo < hi) {
    const int mid = (lo + hi) >> 1;
    if (list[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// One warp merges query q's buffer into its top-k list `top` (global, sorted).
__device__ void merge(Shared& s, int q, uint64_t* top, int k) {
  const int lane = threadIdx.x & 31;
  const int count = s.count[q], length = s.length[q];
  uint64_t* buf = s.buffer[q];
  for (int t = count + lane; t < kCap; t += 32) buf[t] = kEmpty;
  __syncwarp();
  // Bitonic sort of the buffer, ascending.
  for (int size = 2; size <= kCap; size <<= 1)
    for (int stride = size >> 1; stride > 0; stride >>= 1) {
      for (int t = lane; t < kCap / 2; t += 32) {
        const int lo = 2 * t - (t & (stride - 1)), hi = lo + stride;
        const bool ascending = (lo & size) == 0;
        const uint64_t a = buf[lo], b = buf[hi];
        if ((a > b) == ascending) buf[lo] = b, buf[hi] = a;
      }
      __syncwarp();
    }
  // Final places: an entry's rank in its own list plus its rank in the other. Buffer
  // entries read the old list first; list entries then move up (never down), the highest
  // first, so no entry is overwritten before it is read.
  constexpr int kPerLane = kCap / 32;
  uint64_t key[kPerLane];
  int place[kPerLane];
#pragma unroll
  for (int u = 0; u < kPerLane; ++u) {
    const int t = lane + 32 * u;
    key[u] = buf[t];
    place[u] = t < count ? t + rank_in(top, length, key[u]) : k;
  }
  __syncwarp();
  for (int base = (length - 1) / 32 * 32; length > 0 && base >= 0; base -= 32) {
    const int i = base + lane;
    const uint64_t v = i < length ? top[i] : kEmpty;
    const int r = i < length ? i + rank_in(buf, count, v) : k;
    __syncwarp();
    if (r < k) top[r] = v;
    if (r == k - 1) s.bound[q] = __uint_as_float(static_cast<uint32_t>(v >> 32));
    __syncwarp();
  }
#pragma unroll
  for (int u = 0; u < kPerLane; ++u) {
    if (place[u] < k) top[place[u]] = key[u];
    if (place[u] == k - 1) s.bound[q] = __uint_as_float(static_cast<uint32_t>(key[u] >> 32));
  }
  __syncwarp();
  if (lane == 0) {
    s.length[q] = min(k, length + count);
    s.count[q] = 0;
  }
}

__global__ void __launch_bounds__(kThreads, 2)
    knn_kernel(const float* __restrict__ X, int64_t n, int d, int k, uint64_t* __restrict__ top) {
  extern __shared__ __align__(16) unsigned char raw[];
  Shared& s = *reinterpret_cast<Shared*>(raw);
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;  // candidates 4 tx.., queries 4 ty..
  const int warp = threadIdx.x / 32;
  const int64_t q0 = static_cast<int64_t>(blockIdx.x) * kQueries;
  const int64_t tiles = (n + kCandidates - 1) / kCandidates;
  for (int q = threadIdx.x; q < kQueries; q += kThreads) {
    s.count[q] = 0;
    s.length[q] = 0;
    s.bound[q] = INFINITY;
  }

  // Start at the block's own tile: in data stored in any spatial order, near points
  // first tighten the bounds sooner.
  for (int64_t step = 0; step < tiles; ++step) {
    const int64_t c0 = ((blockIdx.x + step) % tiles) * kCandidates;
    float acc[4][4] = {};
    for (int dim0 = 0; dim0 < d; dim0 += kDims) {
      __syncthreads();
      load_tile(X, n, d, q0, dim0, s.q);
      load_tile(X, n, d, c0, dim0, s.c);
      __syncthreads();
      const int dims = min(kDims, d - dim0);
#pragma unroll 4
      for (int p = 0; p < dims; ++p) {
        const float4 a = *reinterpret_cast<const float4*>(&s.q[p][4 * ty]);
        const float4 b = *reinterpret_cast<const float4*>(&s.c[p][4 * tx]);
        const float qa[4] = {a.x, a.y, a.z, a.w}, cb[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
        for (int r = 0; r < 4; ++r)
#pragma unroll
          for (int c = 0; c < 4; ++c) {
            const float diff = qa[r] - cb[c];
            acc[r][c] = fmaf(diff, diff, acc[r][c]);
          }
      }
    }
#pragma unroll
    for (int r = 0; r < 4; ++r) {
      const int q = 4 * ty + r;
      const int64_t i = q0 + q;
      const float bound = s.bound[q];
#pragma unroll
      for (int c = 0; c < 4; ++c) {
        const int64_t j = c0 + 4 * tx + c;
        if (i < n && j < n && j != i && acc[r][c] <= bound)
          s.buffer[q][atomicAdd(&s.count[q], 1)] = make_key(acc[r][c], static_cast<int>(j));
      }
    }
    __syncthreads();
    // Merge before a buffer could overflow in the next tile, and everything at the end.
    const bool last = step + 1 == tiles;
    for (int q = warp; q < kQueries; q += kWarps)
      if (q0 + q < n && (s.count[q] > kCap - kCandidates || (last && s.count[q] > 0)))
        merge(s, q, top + (q0 + q) * k, k);
  }
}

}  // namespace

void knn_exact(const float* X, int64_t n, int d, int k, int32_t* indices, float* distances) {
  if (n < 2 || d < 1 || k < 1 || k > n - 1 || n > INT32_MAX)
    throw KernelError("BAD_ARGUMENT", "knn_exact: needs 2 <= n < 2^31, d >= 1 and 1 <= k <= n - 1");
  require_device();
  Stream stream;
  DeviceArray<float> x(n * d);
  DeviceArray<uint64_t> top(n * k);
  x.upload(X, n * d, stream.get());
  const int shared = static_cast<int>(sizeof(Shared));
  LK_CUDA(cudaFuncSetAttribute(knn_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, shared));
  knn_kernel<<<static_cast<unsigned>(blocks_for(n, kQueries)), kThreads, shared, stream.get()>>>(x.get(), n, d, k,
                                                                                                   top.get());
  check_launch("knn_kernel");
  std::vector<uint64_t> keys(static_cast<size_t>(n) * k);
  top.download(keys.data(), n * k, stream.get());
  stream.sync();
  for (size_t e = 0; e < keys.size(); ++e) {
    indices[e] = static_cast<int32_t>(static_cast<uint32_t>(keys[e]));
    const uint32_t bits = static_cast<uint32_t>(keys[e] >> 32);
    std::memcpy(&distances[e], &bits, sizeof bits);
  }
}

}  // namespace lookalike::cuda
