// t-SNE gradient descent with everything on the device: per iteration the attraction
// (a warp per row of P), the repulsion (exact or grid interpolation), Z and the KL part
// summed in a fixed order, and the gains/momentum update, which also measures the new
// box of Y. The host waits only for that box (the FFT grid's size depends on it) while
// the device computes the next attraction.
#include <algorithm>
#include <cmath>
#include <optional>

#include "device.cuh"
#include "lookalike/cuda.h"
#include "lookalike/status.h"
#include "reduce.cuh"
#include "repulsion.cuh"

namespace lookalike::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;

// What the host reads back each iteration.
struct Status {
  double z;   // sum_{i != j} q_ij of the latest gradient
  double kl;  // sum p log(1 + d^2) of the latest gradient that asked for it
  double entropy;  // sum p log p of P, once measure_entropy() has run
  Bounds box;  // of Y now
};

template <bool kWithKl>
__global__ void attraction_kernel(const int32_t* __restrict__ indptr, const int32_t* __restrict__ indices,
                                  const float* __restrict__ values, const float2* __restrict__ Y, int64_t n,
                                  float2* __restrict__ out, double* __restrict__ partials) {
  __shared__ double scratch[kWarps];
  const int lane = threadIdx.x & 31;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  double kl = 0;
  if (row < n) {
    const float2 yi = Y[row];
    float fx = 0, fy = 0;
    const int32_t end = indptr[row + 1];
    for (int32_t e = indptr[row] + lane; e < end; e += 32) {
      const float2 yj = Y[indices[e]];
      const float p = values[e];
      const float dx = yi.x - yj.x, dy = yi.y - yj.y;
      const float f = p / (1.0f + dx * dx + dy * dy);
      fx += f * dx;
      fy += f * dy;
      if (kWithKl) kl += p * log1p(static_cast<double>(dx) * dx + static_cast<double>(dy) * dy);
    }
    for (int offset = 16; offset > 0; offset >>= 1) {
      fx += __shfl_xor_sync(0xffffffffu, fx, offset);
      fy += __shfl_xor_sync(0xffffffffu, fy, offset);
    }
    if (lane == 0) out[row] = make_float2(fx, fy);
  }
  if (kWithKl) {
    kl = block_sum(kl, scratch);
    if (threadIdx.x == 0) partials[blockIdx.x] = kl;
  }
}

// Partial sums of p log p over the entries, a fixed grid-stride order per block. On the
// device because the host's single-threaded loop took ~40 ms at 50,000 points (~1 s at
// 1,000,000) before every optimisation.
__global__ void entropy_kernel(const float* __restrict__ values, int64_t count, double* __restrict__ partials) {
  __shared__ double scratch[kWarps];
  double s = 0;
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x; e < count;
       e += static_cast<int64_t>(gridDim.x) * kThreads) {
    const float p = values[e];
    if (p > 0) s += p * log(static_cast<double>(p));
  }
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

__device__ inline Bounds combine(Bounds a, const Bounds& b) {
  a.lo_x = fminf(a.lo_x, b.lo_x);
  a.lo_y = fminf(a.lo_y, b.lo_y);
  a.hi_x = fmaxf(a.hi_x, b.hi_x);
  a.hi_y = fmaxf(a.hi_y, b.hi_y);
  a.finite &= b.finite;
  return a;
}

__device__ inline Bounds shuffle(const Bounds& b, int offset) {
  return {__shfl_xor_sync(0xffffffffu, b.lo_x, offset), __shfl_xor_sync(0xffffffffu, b.lo_y, offset),
          __shfl_xor_sync(0xffffffffu, b.hi_x, offset), __shfl_xor_sync(0xffffffffu, b.hi_y, offset),
          __shfl_xor_sync(0xffffffffu, b.finite, offset)};
}

constexpr Bounds kNoBounds{INFINITY, INFINITY, -INFINITY, -INFINITY, 1};

// The block's bounds into out (thread 0). Min and max do not depend on order.
__device__ void block_bounds(Bounds b, Bounds* out) {
  __shared__ Bounds warps[kWarps];
  for (int offset = 16; offset > 0; offset >>= 1) b = combine(b, shuffle(b, offset));
  if ((threadIdx.x & 31) == 0) warps[threadIdx.x / 32] = b;
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < kWarps; ++w) b = combine(b, warps[w]);
    *out = b;
  }
}

__device__ inline Bounds point_bounds(float2 y) {
  return {y.x, y.y, y.x, y.y, isfinite(y.x) && isfinite(y.y) ? 1 : 0};
}

__global__ void bounds_kernel(const float2* __restrict__ Y, int64_t n, Bounds* __restrict__ partials) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  block_bounds(i < n ? point_bounds(Y[i]) : kNoBounds, &partials[blockIdx.x]);
}

__global__ void finish_bounds(const Bounds* __restrict__ partials, int count, Bounds* __restrict__ out) {
  Bounds b = kNoBounds;
  for (int i = threadIdx.x; i < count; i += kThreads) b = combine(b, partials[i]);
  block_bounds(b, out);
}

__device__ inline float2 gradient_at(const float2* attraction, const float2* repulsion, int64_t i, float exaggeration,
                                     float inv_z) {
  const float2 a = attraction[i], r = repulsion[i];
  return make_float2(exaggeration * a.x - r.x * inv_z, exaggeration * a.y - r.y * inv_z);
}

__global__ void gradient_kernel(const float2* __restrict__ attraction, const float2* __restrict__ repulsion,
                                const double* __restrict__ z, int64_t n, float exaggeration, float2* __restrict__ grad) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i < n) grad[i] = gradient_at(attraction, repulsion, i, exaggeration, static_cast<float>(1.0 / *z));
}

struct StepParams {
  float exaggeration, rate, momentum, min_gain;
};

__device__ inline void step_one(float grad, float& update, float& gain, float& y, const StepParams& p) {
  // Delta-bar-delta: grow the gain while the step keeps its direction.
  float g = (update * grad < 0) ? gain + 0.2f : gain * 0.8f;
  g = g < p.min_gain ? p.min_gain : g;
  gain = g;
  update = p.momentum * update - p.rate * g * grad;
  y += update;
}

__global__ void step_kernel(float2* __restrict__ Y, float2* __restrict__ update, float2* __restrict__ gains,
                            const float2* __restrict__ attraction, const float2* __restrict__ repulsion,
                            const double* __restrict__ z, int64_t n, StepParams p, Bounds* __restrict__ partials) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  Bounds b = kNoBounds;
  if (i < n) {
    const float2 grad = gradient_at(attraction, repulsion, i, p.exaggeration, static_cast<float>(1.0 / *z));
    float2 u = update[i], g = gains[i], y = Y[i];
    step_one(grad.x, u.x, g.x, y.x, p);
    step_one(grad.y, u.y, g.y, y.y, p);
    update[i] = u;
    gains[i] = g;
    Y[i] = y;
    b = point_bounds(y);
  }
  block_bounds(b, &partials[blockIdx.x]);
}

const CsrView& checked(const CsrView& P) {
  if (P.rows < 2 || P.indptr[0] != 0)
    throw KernelError("BAD_ARGUMENT", "t-SNE on CUDA: P needs at least 2 rows and indptr[0] = 0");
  return P;
}

// One embedding and its P on the device.
class Embedding {
 public:
  Embedding(const CsrView& P, const float* Y, Repulsion repulsion, const FftParams& fft)
      : n_(checked(P).rows),
        points_(static_cast<unsigned>(blocks_for(n_, kThreads))),
        rows_(static_cast<unsigned>(blocks_for(n_, kWarps))),
        entries_(P.indptr[n_]),
        indptr_(n_ + 1),
        indices_(P.indptr[n_]),
        values_(P.indptr[n_]),
        Y_(n_),
        attraction_(n_),
        repulsion_(n_),
        kl_partials_(rows_),
        z_partials_(points_),
        bound_partials_(points_),
        status_(1),
        host_status_(1) {
    cudaStream_t s = stream_.get();
    indptr_.upload(P.indptr, n_ + 1, s);
    indices_.upload(P.indices, P.indptr[n_], s);
    values_.upload(P.values, P.indptr[n_], s);
    Y_.upload(reinterpret_cast<const float2*>(Y), n_, s);
    if (repulsion == Repulsion::fft) fft_.emplace(n_, fft, s);
  }

  Embedding(const Embedding&) = delete;
  Embedding& operator=(const Embedding&) = delete;
  // An exception (the report callback's too) can leave work queued that uses the buffers.
  ~Embedding() { cudaStreamSynchronize(stream_.get()); }

  int64_t n() const { return n_; }
  cudaStream_t stream() const { return stream_.get(); }
  float2* Y() { return Y_.get(); }

  void measure_bounds() {
    bounds_kernel<<<points_, kThreads, 0, stream()>>>(Y_.get(), n_, bound_partials_.get());
    check_launch("bounds_kernel");
    finish_bounds_into_status();
  }

  // sum p log p into the status, in kl_partials_ before any attraction uses them.
  void measure_entropy() {
    const unsigned blocks = std::min(rows_, 1024u);
    entropy_kernel<<<blocks, kThreads, 0, stream()>>>(values_.get(), entries_, kl_partials_.get());
    check_launch("entropy_kernel");
    sum_partials(kl_partials_.get(), static_cast<int>(blocks), 0, 1, &status_.get()->entropy, stream());
  }

  // Copies the status to the host; wait() returns it.
  void publish() {
    LK_CUDA(cudaMemcpyAsync(host_status_.get(), status_.get(), sizeof(Status), cudaMemcpyDeviceToHost, stream()));
    published_.record(stream());
  }

  Status wait() {
    published_.sync();
    return host_status_[0];
  }

  void attract(bool with_kl) {
    if (with_kl) {
      attraction_kernel<true><<<rows_, kThreads, 0, stream()>>>(indptr_.get(), indices_.get(), values_.get(),
                                                                 Y_.get(), n_, attraction_.get(), kl_partials_.get());
      check_launch("attraction_kernel");
      sum_partials(kl_partials_.get(), static_cast<int>(rows_), 0, 1, &status_.get()->kl, stream());
    } else {
      attraction_kernel<false><<<rows_, kThreads, 0, stream()>>>(indptr_.get(), indices_.get(), values_.get(),
                                                                  Y_.get(), n_, attraction_.get(), nullptr);
      check_launch("attraction_kernel");
    }
  }

  // `box` is Y's, from the status.
  void repel(const Bounds& box) {
    if (fft_) fft_->run(Y_.get(), box, repulsion_.get(), &status_.get()->z, stream());
    else repulsion_exact(Y_.get(), n_, repulsion_.get(), &status_.get()->z, z_partials_, stream());
  }

  void gradient(double exaggeration, float2* grad) {
    gradient_kernel<<<points_, kThreads, 0, stream()>>>(attraction_.get(), repulsion_.get(), &status_.get()->z, n_,
                                                         static_cast<float>(exaggeration), grad);
    check_launch("gradient_kernel");
  }

  void step(const StepParams& p, float2* update, float2* gains) {
    step_kernel<<<points_, kThreads, 0, stream()>>>(Y_.get(), update, gains, attraction_.get(), repulsion_.get(),
                                                     &status_.get()->z, n_, p, bound_partials_.get());
    check_launch("step_kernel");
    finish_bounds_into_status();
  }

 private:
  void finish_bounds_into_status() {
    finish_bounds<<<1, kThreads, 0, stream()>>>(bound_partials_.get(), static_cast<int>(points_),
                                                &status_.get()->box);
    check_launch("finish_bounds");
  }

  Stream stream_;
  int64_t n_;
  unsigned points_, rows_;  // blocks of a thread per point, of a warp per row
  int64_t entries_;  // of P
  DeviceArray<int32_t> indptr_, indices_;
  DeviceArray<float> values_;
  DeviceArray<float2> Y_, attraction_, repulsion_;
  DeviceArray<double> kl_partials_, z_partials_;
  DeviceArray<Bounds> bound_partials_;
  DeviceArray<Status> status_;
  PinnedArray<Status> host_status_;
  Event published_;
  std::optional<FftRepulsion> fft_;
};

void check_finite(const Status& s, bool with_z) {
  if (!s.box.finite || (with_z && !std::isfinite(s.z)))
    throw KernelError("KERNEL_FAILED", "t-SNE diverged (non-finite coordinates); lower the learning rate");
}

}  // namespace

GradientResult tsne_gradient(const CsrView& P, const float* Y, double exaggeration, Repulsion repulsion,
                             const FftParams& fft, bool with_kl, float* grad) {
  require_device();
  Embedding e(P, Y, repulsion, fft);
  e.measure_bounds();
  e.publish();
  const Status before = e.wait();
  check_finite(before, false);
  e.attract(with_kl);
  e.repel(before.box);
  DeviceArray<float2> g(e.n());
  e.gradient(exaggeration, g.get());
  e.publish();
  g.download(reinterpret_cast<float2*>(grad), e.n(), e.stream());
  const Status after = e.wait();
  LK_CUDA(cudaStreamSynchronize(e.stream()));
  return {after.z, with_kl ? after.kl + std::log(after.z) : NAN};
}

int tsne_optimize(const CsrView& P, float* Y, float* update, float* gains, const OptimizeParams& params,
                  const OptimizeReport& report) {
  if (params.iterations < 0 || params.report_every < 1 || params.kl_every < 1)
    throw KernelError("BAD_ARGUMENT", "t-SNE on CUDA: iterations must be >= 0, reportEvery and klEvery >= 1");
  if (params.iterations == 0) return 0;
  require_device();
  Embedding e(P, Y, params.repulsion, params.fft);
  const int64_t n = e.n();
  DeviceArray<float2> upd(n), gain(n);
  upd.upload(reinterpret_cast<const float2*>(update), n, e.stream());
  gain.upload(reinterpret_cast<const float2*>(gains), n, e.stream());
  const StepParams step{static_cast<float>(params.exaggeration), static_cast<float>(params.learning_rate),
                        static_cast<float>(params.momentum), static_cast<float>(params.min_gain)};
  double kl = NAN;
  int done = params.iterations;
  e.measure_entropy();
  e.measure_bounds();
  e.publish();
  for (int it = 0; it < params.iterations; ++it) {
    const bool last = it + 1 == params.iterations;
    const bool want_kl = (it + 1) % params.kl_every == 0 || last;
    const bool want_report = (it + 1) % params.report_every == 0 || last;
    e.attract(want_kl);
    const Status now = e.wait();  // Y's box, and the previous iteration's Z
    check_finite(now, it > 0);
    e.repel(now.box);
    e.step(step, upd.get(), gain.get());
    e.publish();
    if (want_kl || want_report) {
      const Status after = e.wait();
      check_finite(after, true);
      if (want_kl) kl = after.entropy + after.kl + std::log(after.z);
      if (want_report && report && report(it + 1, kl)) {
        done = it + 1;
        break;
      }
    }
  }
  LK_CUDA(cudaMemcpyAsync(Y, e.Y(), sizeof(float2) * n, cudaMemcpyDeviceToHost, e.stream()));
  upd.download(reinterpret_cast<float2*>(update), n, e.stream());
  gain.download(reinterpret_cast<float2*>(gains), n, e.stream());
  LK_CUDA(cudaStreamSynchronize(e.stream()));
  return done;
}

}  // namespace lookalike::cuda
