// k-means on device 0 with the CPU version's seeds (seed_rows of kmeans_seed.h runs on the
// host, from the same norms and random stream, while X is uploaded) and its stopping rule
// (kmeans_run.h). Each Lloyd step lists the rows whose Hamerly bounds (distance to the own
// centroid, to the next nearest) cannot vouch for their label, measures those against
// every centroid (the product tile of tile.cuh with an argmin), moves the rows whose label
// changed between the cluster sums, and takes the means. The labels are those of a full
// assignment up to float rounding (the bounds are exact in exact arithmetic). The sums are 64-bit fixed point: atomic additions in any
// order give the same bits, so a run is reproducible, and they never drift however many
// rows move.
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <exception>
#include <thread>
#include <vector>

#include "../cpu/kmeans_run.h"
#include "../cpu/kmeans_seed.h"
#include "device.cuh"
#include "lookalike/cuda.h"
#include "lookalike/parallel.h"
#include "reduce.cuh"
#include "tile.cuh"

namespace lookalike::cuda {
namespace {

using tile::kStep;
using tile::kStride;
using tile::kThreads;
using tile::kTile;
constexpr int kWarps = kThreads / 32;
constexpr int64_t kChunkRows = 512;  // rows per partial sum of the data statistics

// partials[j * chunks + z] = sum over the rows of chunk z of x_j - x0_j, as data_stats sums.
__global__ void offset_sums_kernel(const float* __restrict__ X, int64_t n, int d, double* __restrict__ partials) {
  const int j = blockIdx.y * kThreads + threadIdx.x;
  if (j >= d) return;
  const int64_t begin = blockIdx.x * kChunkRows, end = min(n, begin + kChunkRows);
  const float x0 = X[j];
  double s = 0;
  for (int64_t r = begin; r < end; ++r) s += X[r * d + j] - x0;
  partials[static_cast<int64_t>(j) * gridDim.x + blockIdx.x] = s;
}

__global__ void mean_kernel(const float* __restrict__ X, const double* __restrict__ offsets, int64_t n, int d,
                            double* __restrict__ mean) {
  const int j = blockIdx.x * kThreads + threadIdx.x;
  if (j < d) mean[j] = X[j] + offsets[j] / static_cast<double>(n);
}

// partials[block] = sum over the block's rows and columns of (x_j - mean_j)^2.
__global__ void spread_kernel(const float* __restrict__ X, int64_t n, int d, const double* __restrict__ mean,
                              double* __restrict__ partials) {
  __shared__ double scratch[kWarps];
  const int j = blockIdx.y * kThreads + threadIdx.x;
  const int64_t begin = blockIdx.x * kChunkRows, end = min(n, begin + kChunkRows);
  double s = 0;
  if (j < d)
    for (int64_t r = begin; r < end; ++r) {
      const double diff = X[r * d + j] - mean[j];
      s += diff * diff;
    }
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) partials[static_cast<int64_t>(blockIdx.y) * gridDim.x + blockIdx.x] = s;
}

__global__ void norms_kernel(const float* __restrict__ C, int d, float* __restrict__ norms) {
  __shared__ double scratch[kWarps];
  const float* c = C + static_cast<int64_t>(blockIdx.x) * d;
  double s = 0;
  for (int j = threadIdx.x; j < d; j += kThreads) s += static_cast<double>(c[j]) * c[j];
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) norms[blockIdx.x] = static_cast<float>(s);
}

// Loads rows [row0, row0 + 64) x dims [p0, p0 + 16) of A (rows x d) into tile[p][row],
// zeros outside; with `ids`, row r of the tile is row ids[row0 + r] of A.
__device__ inline void load_rows(const float* __restrict__ A, int64_t rows, int d, int64_t row0, int p0,
                                 const int32_t* __restrict__ ids, float (*tile)[kStride]) {
  for (int e = threadIdx.x; e < kTile * kStep; e += kThreads) {
    const int r = e / kStep, p = e % kStep;
    const bool in = row0 + r < rows && p0 + p < d;
    const int64_t row = !in ? 0 : ids ? ids[row0 + r] : row0 + r;
    tile[p][r] = in ? A[row * d + p0 + p] : 0.0f;
  }
}

// Folds (score, index) pair b into a, keeping the lower score (ties: the lower index) as
// best and the next lower as second.
__device__ inline void fold(float& best, int& which, float& second, float b_best, int b_which, float b_second) {
  if (b_best < best || (b_best == best && b_which < which)) {
    second = fminf(best, b_second);
    best = b_best, which = b_which;
  } else {
    second = fminf(second, b_best);
  }
}

// For the *count rows listed in `rows`: the nearest centroid (minimising |c|^2 - 2 x.c,
// ties to the lower index) becomes the label, and the distances to it and to the next
// nearest the row's upper and lower bounds. A block owns 64 listed rows and passes every
// centroid by them, 64 at a time; blocks beyond the list return at once.
__global__ void __launch_bounds__(kThreads) assign_kernel(const float* __restrict__ X, int d,
                                                           const int32_t* __restrict__ rows, const int32_t* __restrict__ count,
                                                           const float* __restrict__ xnorms, const float* __restrict__ C,
                                                           const float* __restrict__ norms, int k, int32_t* __restrict__ labels,
                                                           float* __restrict__ upper, float* __restrict__ lower) {
  __shared__ __align__(16) float a[kStep][kStride];  // [p][row]
  __shared__ __align__(16) float b[kStep][kStride];  // [p][centroid]
  const int listed = *count;
  const int64_t r0 = static_cast<int64_t>(blockIdx.x) * kTile;
  if (r0 >= listed) return;  // the whole block: no barrier is left waiting
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  float best[4] = {INFINITY, INFINITY, INFINITY, INFINITY}, second[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
  int which[4] = {INT_MAX, INT_MAX, INT_MAX, INT_MAX};
  for (int c0 = 0; c0 < k; c0 += kTile) {
    float acc[4][4] = {};
    for (int p0 = 0; p0 < d; p0 += kStep) {
      __syncthreads();
      load_rows(X, listed, d, r0, p0, rows, a);
      load_rows(C, k, d, c0, p0, nullptr, b);
      __syncthreads();
      tile::multiply(a, b, acc);
    }
#pragma unroll
    for (int c = 0; c < 4; ++c) {
      const int col = c0 + 4 * tx + c;
      const float norm = col < k ? norms[col] : INFINITY;
#pragma unroll
      for (int r = 0; r < 4; ++r) fold(best[r], which[r], second[r], norm - 2 * acc[r][c], col, INFINITY);
    }
  }
  // The 16 threads of a row group are 16 adjacent lanes of one warp.
#pragma unroll
  for (int r = 0; r < 4; ++r) {
    for (int offset = 8; offset > 0; offset >>= 1) {
      const float other = __shfl_xor_sync(0xffffffffu, best[r], offset);
      const int other_which = __shfl_xor_sync(0xffffffffu, which[r], offset);
      const float other_second = __shfl_xor_sync(0xffffffffu, second[r], offset);
      fold(best[r], which[r], second[r], other, other_which, other_second);
    }
    const int64_t slot = r0 + 4 * ty + r;
    if (tx == 0 && slot < listed) {
      const int i = rows[slot];
      // Without a finite score (squares beyond float range) label 0 keeps indices valid.
      labels[i] = which[r] == INT_MAX ? 0 : which[r];
      upper[i] = sqrtf(fmaxf(xnorms[i] + best[r], 0.0f));
      lower[i] = sqrtf(fmaxf(xnorms[i] + second[r], 0.0f));
    }
  }
}

// Hamerly's test: after the centroids moved, a row's distance to its own centroid grew by at
// most that centroid's shift and to any other fell by at most the largest shift; the rows
// these bounds cannot vouch for (every row the first time) are listed for assign_kernel.
__global__ void screen_kernel(int64_t n, const int32_t* __restrict__ labels, const float* __restrict__ shift,
                              float largest, bool all, float* __restrict__ upper, float* __restrict__ lower,
                              int32_t* __restrict__ rows, int32_t* __restrict__ count) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i >= n) return;
  if (all) {  // in order, so that neighbouring rows share tiles
    rows[i] = static_cast<int32_t>(i);
    if (i == 0) *count = static_cast<int32_t>(n);
    return;
  }
  const float u = upper[i] + shift[labels[i]], l = lower[i] - largest;
  upper[i] = u;
  lower[i] = l;
  if (u > l) rows[atomicAdd(count, 1)] = static_cast<int32_t>(i);
}

// Rows whose label the repair changed have no bounds: the next screen lists them.
__global__ void forget_bounds_kernel(int64_t n, const int32_t* __restrict__ before, const int32_t* __restrict__ after,
                                     float* __restrict__ upper, float* __restrict__ lower) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i < n && before[i] != after[i]) upper[i] = INFINITY, lower[i] = 0.0f;
}

// One warp per row: a row whose label changed leaves the sums of `before` (none when -1)
// for those of `after`, in fixed point (x * scale, rounded).
__global__ void move_kernel(const float* __restrict__ X, int64_t n, int d, const int32_t* __restrict__ before,
                            const int32_t* __restrict__ after, double scale, unsigned long long* __restrict__ sums,
                            int32_t* __restrict__ counts) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  const int lane = threadIdx.x & 31;
  if (i >= n) return;
  const int from = before[i], to = after[i];
  if (from == to) return;
  if (lane == 0) {
    atomicAdd(&counts[to], 1);
    if (from >= 0) atomicSub(&counts[from], 1);
  }
  const float* x = X + i * d;
  unsigned long long* add = sums + static_cast<int64_t>(to) * d;
  unsigned long long* remove = from >= 0 ? sums + static_cast<int64_t>(from) * d : nullptr;
  for (int j = lane; j < d; j += 32) {
    const long long v = __double2ll_rn(static_cast<double>(x[j]) * scale);
    atomicAdd(add + j, static_cast<unsigned long long>(v));  // two's complement: signed sums
    if (remove) atomicAdd(remove + j, static_cast<unsigned long long>(-v));
  }
}

// One block per cluster: its centroid, the mean of its rows (from the old one, its shift),
// and its part of the between-cluster sum of squares, |sum - count mean|^2 / count, as
// Lloyd::inertia takes it.
__global__ void update_kernel(const unsigned long long* __restrict__ sums, const int32_t* __restrict__ counts, int d,
                              double unscale, const double* __restrict__ mean, const float* __restrict__ old,
                              float* __restrict__ C, double* __restrict__ between, float* __restrict__ shift) {
  __shared__ double scratch[kWarps];
  const int c = blockIdx.x;
  const double count = counts[c];
  double s = 0, moved = 0;
  for (int j = threadIdx.x; j < d; j += kThreads) {
    const int64_t e = static_cast<int64_t>(c) * d + j;
    const double sum = static_cast<double>(static_cast<long long>(sums[e])) * unscale;
    C[e] = static_cast<float>(sum / count);
    const double diff = sum - count * mean[j], step = static_cast<double>(C[e]) - old[e];
    s += diff * diff;
    moved += step * step;
  }
  s = block_sum(s, scratch);
  moved = block_sum(moved, scratch);
  if (threadIdx.x == 0) {
    between[c] = s / count;
    // Rounded up a little, so that float rounding of the distances cannot break the bounds' test.
    shift[c] = static_cast<float>(sqrt(moved) * (1 + 1e-6));
  }
}

// One warp per row: its squared distance to its centroid, for the empty-cluster repair.
__global__ void distance_kernel(const float* __restrict__ X, int64_t n, int d, const float* __restrict__ C,
                                const int32_t* __restrict__ labels, float* __restrict__ distance) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  const int lane = threadIdx.x & 31;
  if (i >= n) return;
  const float* x = X + i * d;
  const float* c = C + static_cast<int64_t>(labels[i]) * d;
  double s = 0;
  for (int j = lane; j < d; j += 32) {
    const float diff = x[j] - c[j];
    s += diff * diff;
  }
  s = warp_sum(s);
  if (lane == 0) distance[i] = static_cast<float>(s);
}

// The device side of the Lloyd steps, with the interface run_lloyd expects.
class Steps {
 public:
  // Uploads X and computes the data's mean and total sum of squares (asynchronously).
  Steps(const float* X, int64_t n, int d, int k)
      : n_(n), d_(d), k_(k), x_(n * d), centroids_(int64_t{k} * d), next_centroids_(int64_t{k} * d), norms_(k),
        xnorms_(n), upper_(n), lower_(n), shift_(k), labels_(n), previous_(n), repaired_(n), rows_(n), counts_(k),
        saved_counts_(k), listed_(1), sums_(int64_t{k} * d), saved_sums_(int64_t{k} * d), mean_(d), between_(k),
        total_(1), counts_host_(k), between_host_(k), shift_host_(k) {
    cudaStream_t s = stream_.get();
    x_.upload(X, n * d, s);
    const unsigned chunks = static_cast<unsigned>(blocks_for(n, kChunkRows));
    const unsigned columns = static_cast<unsigned>(blocks_for(d, kThreads));
    DeviceArray<double> partials(std::max<int64_t>(int64_t{chunks} * d, int64_t{chunks} * columns)), offsets(d);
    offset_sums_kernel<<<dim3(chunks, columns), kThreads, 0, s>>>(x_.get(), n, d, partials.get());
    check_launch("offset_sums_kernel");
    sum_partials(partials.get(), static_cast<int>(chunks), static_cast<int>(chunks), d, offsets.get(), s);
    mean_kernel<<<columns, kThreads, 0, s>>>(x_.get(), offsets.get(), n, d, mean_.get());
    check_launch("mean_kernel");
    spread_kernel<<<dim3(chunks, columns), kThreads, 0, s>>>(x_.get(), n, d, mean_.get(), partials.get());
    check_launch("spread_kernel");
    sum_partials(partials.get(), static_cast<int>(chunks * columns), static_cast<int>(chunks * columns), 1,
                 total_.get(), s);
    norms_kernel<<<static_cast<unsigned>(n), kThreads, 0, s>>>(x_.get(), d, xnorms_.get());
    check_launch("norms_kernel");
    total_.download(&total_host_, 1, s);
    stream_.sync();  // before `partials` goes
  }

  // Starts from the given centroids (k x d); max_norm: the largest squared row norm, which
  // sets the fixed point's scale so that no sum of n values can overflow.
  void start(const float* centroids, float max_norm) {
    if (!std::isfinite(max_norm))
      throw KernelError("BAD_ARGUMENT", "kmeans: the values are too large: a row's squared norm overflows float");
    int exponent = 0;
    std::frexp(2.0 * std::sqrt(static_cast<double>(max_norm)), &exponent);  // every |x| < 2^exponent
    int row_bits = 0;
    while ((int64_t{1} << row_bits) < n_) ++row_bits;
    scale_ = std::ldexp(1.0, 62 - exponent - row_bits);
    cudaStream_t s = stream_.get();
    centroids_.upload(centroids, int64_t{k_} * d_, s);
    LK_CUDA(cudaMemsetAsync(labels_.get(), 0xff, sizeof(int32_t) * n_, s));  // -1: in no cluster yet
    sums_.zero(int64_t{k_} * d_, s);
    counts_.zero(k_, s);
  }

  void iterate() {
    cudaStream_t s = stream_.get();
    const bool first = !started_;
    started_ = true;
    LK_CUDA(cudaMemcpyAsync(previous_.get(), labels_.get(), sizeof(int32_t) * n_, cudaMemcpyDeviceToDevice, s));
    LK_CUDA(cudaMemcpyAsync(saved_sums_.get(), sums_.get(), sizeof(unsigned long long) * k_ * d_,
                            cudaMemcpyDeviceToDevice, s));
    LK_CUDA(cudaMemcpyAsync(saved_counts_.get(), counts_.get(), sizeof(int32_t) * k_, cudaMemcpyDeviceToDevice, s));
    norms_kernel<<<k_, kThreads, 0, s>>>(centroids_.get(), d_, norms_.get());
    check_launch("norms_kernel");
    listed_.zero(1, s);
    screen_kernel<<<static_cast<unsigned>(blocks_for(n_, kThreads)), kThreads, 0, s>>>(
        n_, labels_.get(), shift_.get(), largest_shift_, first, upper_.get(), lower_.get(), rows_.get(), listed_.get());
    check_launch("screen_kernel");
    // Sized for every row; the blocks beyond the list return at once.
    assign_kernel<<<static_cast<unsigned>(blocks_for(n_, kTile)), kThreads, 0, s>>>(
        x_.get(), d_, rows_.get(), listed_.get(), xnorms_.get(), centroids_.get(), norms_.get(), k_, labels_.get(),
        upper_.get(), lower_.get());
    check_launch("assign_kernel");
    move(previous_, labels_);
    counts_.download(counts_host_.get(), k_, s);
    stream_.sync();
    if (std::find(counts_host_.get(), counts_host_.get() + k_, 0) != counts_host_.get() + k_) repair_empty();
    update_kernel<<<k_, kThreads, 0, s>>>(sums_.get(), counts_.get(), d_, 1.0 / scale_, mean_.get(), centroids_.get(),
                                          next_centroids_.get(), between_.get(), shift_.get());
    check_launch("update_kernel");
    std::swap(centroids_, next_centroids_);
    between_.download(between_host_.get(), k_, s);
    shift_.download(shift_host_.get(), k_, s);
    stream_.sync();
    double between = 0;
    for (int c = 0; c < k_; ++c) between += between_host_[c];
    inertia_ = std::max(total_host_ - between, 0.0);
    largest_shift_ = *std::max_element(shift_host_.get(), shift_host_.get() + k_);
  }

  double inertia() const { return inertia_; }

  void undo() {
    std::swap(labels_, previous_);
    std::swap(centroids_, next_centroids_);
    std::swap(sums_, saved_sums_);
    std::swap(counts_, saved_counts_);
  }

  void download(int32_t* labels, float* centroids) {
    labels_.download(labels, n_, stream_.get());
    centroids_.download(centroids, int64_t{k_} * d_, stream_.get());
    stream_.sync();
  }

 private:
  void move(const DeviceArray<int32_t>& before, const DeviceArray<int32_t>& after) {
    move_kernel<<<static_cast<unsigned>(blocks_for(n_, kWarps)), kThreads, 0, stream_.get()>>>(
        x_.get(), n_, d_, before.get(), after.get(), scale_, sums_.get(), counts_.get());
    check_launch("move_kernel");
  }

  // As Lloyd::repair_empty: the shared repair (kmeans_run.h) on each row's distance to the
  // centroid it was measured against, then the moved rows' sums and bounds on the device.
  void repair_empty() {
    cudaStream_t s = stream_.get();
    DeviceArray<float> distance(n_);
    distance_kernel<<<static_cast<unsigned>(blocks_for(n_, kWarps)), kThreads, 0, s>>>(
        x_.get(), n_, d_, centroids_.get(), labels_.get(), distance.get());
    check_launch("distance_kernel");
    std::vector<float> far(n_);
    std::vector<int32_t> labels(n_);
    distance.download(far.data(), n_, s);
    labels_.download(labels.data(), n_, s);
    stream_.sync();
    std::vector<int32_t> counts(counts_host_.get(), counts_host_.get() + k_);
    repair_empty_clusters(far.data(), labels.data(), counts.data(), n_, k_);
    LK_CUDA(cudaMemcpyAsync(repaired_.get(), labels_.get(), sizeof(int32_t) * n_, cudaMemcpyDeviceToDevice, s));
    labels_.upload(labels.data(), n_, s);
    move(repaired_, labels_);  // from the assigned cluster to the repaired one
    forget_bounds_kernel<<<static_cast<unsigned>(blocks_for(n_, kThreads)), kThreads, 0, s>>>(
        n_, repaired_.get(), labels_.get(), upper_.get(), lower_.get());
    check_launch("forget_bounds_kernel");
    stream_.sync();  // before `labels` goes
  }

  Stream stream_;
  const int64_t n_;
  const int d_, k_;
  DeviceArray<float> x_, centroids_, next_centroids_, norms_, xnorms_, upper_, lower_, shift_;
  DeviceArray<int32_t> labels_, previous_, repaired_, rows_, counts_, saved_counts_, listed_;
  DeviceArray<unsigned long long> sums_, saved_sums_;
  DeviceArray<double> mean_, between_, total_;
  PinnedArray<int32_t> counts_host_;
  PinnedArray<double> between_host_;
  PinnedArray<float> shift_host_;
  double total_host_ = 0, scale_ = 1, inertia_ = 0;
  float largest_shift_ = 0;
  bool started_ = false;
};

// Joins a thread on every way out of a scope, so an exception never meets a joinable thread.
struct Joined {
  std::thread& thread;
  ~Joined() {
    if (thread.joinable()) thread.join();
  }
};

}  // namespace

KmeansResult kmeans(const float* X, int64_t n, int d, const KmeansParams& params, int32_t* labels,
                    float* centroids) {
  check_kmeans_args(n, d, params);
  if (n > INT32_MAX) throw KernelError("BAD_ARGUMENT", "kmeans on CUDA: needs n < 2^31 rows");
  if (params.sample_start) throw KernelError("BAD_ARGUMENT", "kmeans on CUDA starts from the seeds: the sample start is the CPU's");
  require_device();
  const int k = params.k;
  const int threads = resolve_threads(params.threads);
  std::vector<int64_t> seeds;
  float max_norm = 0;
  double seeding_seconds = 0;
  std::exception_ptr seeding_error;
  std::thread seeding([&] {
    try {
      const auto start = std::chrono::steady_clock::now();
      const std::vector<float> norms = row_norms(X, n, d, threads);
      seeds = seed_rows(X, n, d, norms.data(), k, params.seed, threads);
      max_norm = *std::max_element(norms.begin(), norms.end());
      seeding_seconds = seconds_since(start);
    } catch (...) {
      seeding_error = std::current_exception();
    }
  });
  const Joined joined{seeding};
  const auto start = std::chrono::steady_clock::now();
  Steps steps(X, n, d, k);
  const double setup_seconds = seconds_since(start);
  seeding.join();
  if (seeding_error) std::rethrow_exception(seeding_error);
  for (int c = 0; c < k; ++c) std::copy(X + seeds[c] * d, X + (seeds[c] + 1) * d, centroids + static_cast<int64_t>(c) * d);
  steps.start(centroids, max_norm);
  KmeansResult result = run_lloyd(steps, params);
  steps.download(labels, centroids);
  result.setup_seconds = setup_seconds;
  result.seeding_seconds = seeding_seconds;
  return result;
}

}  // namespace lookalike::cuda
