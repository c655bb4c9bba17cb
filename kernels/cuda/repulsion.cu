// With K = q^2 the kernel and phi_c the potentials of the charges (1, u1, u2, |u|^2), where
// u = (y - centre) / R and R is a power of two near the box's half-width (so the charges
// packed two per complex FFT have like magnitudes): out_i = R (u_i phi0_i - phi12_i) and
// sum_j q_ij = phi0_i + R^2 (|u_i|^2 phi0_i - 2 u_i . phi12_i + phi3_i), the j = i term
// adding 1 (see kernels/cpu/repulsion_fft.cc, whose grid and units these are). Charges are
// spread with 64-bit integer atomics on a fixed point scale chosen so no node's sum can
// overflow: integer sums do not depend on the order the atomics land in, so the grid, and
// everything after it, is reproducible.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "fft.cuh"
#include "lookalike/status.h"
#include "reduce.cuh"
#include "repulsion.cuh"

namespace lookalike::cuda {
namespace {

constexpr int kThreads = 256;
// Per dimension: twice the CPU's, since the device has the memory (about 2 GB of grids
// at the most) and the speed; the transforms are then kMaxFft long.
constexpr int kMaxNodes = kMaxFft / 2;
constexpr int kMaxPoints = 6;    // interpolation nodes per interval

struct Geometry {
  float x0, y0;  // lower corner
  float cx, cy;  // centre
  float radius, inv_radius;  // R, a power of two >= half the length
  float per_length;  // intervals per unit length
  int intervals, nodes;
  double spacing;  // between neighbouring nodes
  float node[kMaxPoints], inv_denominator[kMaxPoints];  // Lagrange nodes (k + 1/2) / P
  double scale[4];  // fixed point scale of each charge
};

bool five_smooth(int v) {
  for (int f : {2, 3, 5})
    while (v % f == 0) v /= f;
  return v == 1;
}

// Lagrange weights at t of the P nodes, as the CPU computes them.
template <typename G>
__host__ __device__ inline void weights(const G& g, int P, float t, float* w) {
  for (int k = 0; k < P; ++k) {
    float v = g.inv_denominator[k];
    for (int l = 0; l < P; ++l)
      if (l != k) v *= t - g.node[l];
    w[k] = v;
  }
}

// Position u in intervals from the box's edge -> index of the first node; weights in w.
template <int P>
__device__ inline int locate(const Geometry& g, float u, float* w) {
  const int i = min(static_cast<int>(u), g.intervals - 1);
  weights(g, P, u - static_cast<float>(i), w);
  return i * P;
}

void set_nodes(Geometry& g, int P) {
  for (int k = 0; k < P; ++k) g.node[k] = (k + 0.5f) / P;
  for (int k = 0; k < P; ++k) {
    double d = 1;
    for (int l = 0; l < P; ++l)
      if (l != k) d *= g.node[k] - g.node[l];
    g.inv_denominator[k] = static_cast<float>(1 / d);
  }
}

// The largest |Lagrange weight| over the unit interval, for each P (sampled finely; the
// caller's 5% margin covers the sampling).
double max_weight(int P) {
  static const std::array<double, kMaxPoints + 1> table = [] {
    std::array<double, kMaxPoints + 1> t{};
    for (int p = 2; p <= kMaxPoints; ++p) {
      Geometry g{};
      set_nodes(g, p);
      float w[kMaxPoints];
      for (int s = 0; s <= 4096; ++s) {
        weights(g, p, s / 4096.0f, w);
        for (int k = 0; k < p; ++k) t[p] = std::max(t[p], std::abs(static_cast<double>(w[k])));
      }
    }
    return t;
  }();
  return table[P];
}

Geometry plan(const Bounds& box, int64_t n, const FftParams& params) {
  const int P = params.points_per_interval;
  const double length = std::max<double>(
      {static_cast<double>(box.hi_x) - box.lo_x, static_cast<double>(box.hi_y) - box.lo_y, 1e-6});
  const double wanted = std::max<double>(params.min_intervals, std::ceil(length * params.intervals_per_unit));
  int m = static_cast<int>(std::min<double>(wanted, kMaxNodes));
  while (!five_smooth(2 * m * P)) ++m;  // the CPU's FFT sizes: the same grid on both
  if (wanted * P > kMaxNodes || m * P > kMaxNodes)
    throw KernelError("BAD_ARGUMENT", "repulsion_fft: the embedding spans " + std::to_string(length) +
                                          " units, which needs " + std::to_string(static_cast<int64_t>(wanted * P)) +
                                          " grid nodes per dimension; at most " + std::to_string(kMaxNodes) +
                                          " on the device");
  Geometry g{};
  g.x0 = box.lo_x;
  g.y0 = box.lo_y;
  g.cx = 0.5f * (box.lo_x + box.hi_x);
  g.cy = 0.5f * (box.lo_y + box.hi_y);
  g.radius = static_cast<float>(std::exp2(std::ceil(std::log2(0.5 * length))));
  g.inv_radius = 1.0f / g.radius;
  g.per_length = static_cast<float>(m / length);
  g.intervals = m;
  g.nodes = m * P;
  g.spacing = length / g.nodes;
  set_nodes(g, P);
  // No node's sum may pass 2^62: n points times the largest weight product times the
  // largest charge. Float subtraction is monotonic, so |y - c| is at most the corners'.
  const double weight = max_weight(P);
  const double hx = std::max(std::abs(box.hi_x - g.cx), std::abs(box.lo_x - g.cx)) * g.inv_radius;
  const double hy = std::max(std::abs(box.hi_y - g.cy), std::abs(box.lo_y - g.cy)) * g.inv_radius;
  const double largest[4] = {1, hx, hy, hx * hx + hy * hy};
  for (int c = 0; c < 4; ++c) {
    int e = 0;
    std::frexp(1.05 * static_cast<double>(n) * weight * weight * largest[c], &e);  // bound <= 2^e
    g.scale[c] = std::ldexp(1.0, 62 - e);
  }
  return g;
}

template <int P>
__global__ void spread_kernel(const float2* __restrict__ Y, int64_t n, Geometry g,
                              unsigned long long* __restrict__ charges) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float2 y = Y[i];
  float wx[P], wy[P];
  const int gx = locate<P>(g, (y.x - g.x0) * g.per_length, wx);
  const int gy = locate<P>(g, (y.y - g.y0) * g.per_length, wy);
  const float ux = (y.x - g.cx) * g.inv_radius, uy = (y.y - g.cy) * g.inv_radius;
  const float q[4] = {1.0f, ux, uy, ux * ux + uy * uy};
#pragma unroll
  for (int b = 0; b < P; ++b)
#pragma unroll
    for (int a = 0; a < P; ++a) {
      unsigned long long* node = charges + (static_cast<int64_t>(gy + b) * g.nodes + gx + a) * 4;
#pragma unroll
      for (int c = 0; c < 4; ++c) {
        const float v = wy[b] * (wx[a] * q[c]);
        atomicAdd(node + c, static_cast<unsigned long long>(__double2ll_rn(static_cast<double>(v) * g.scale[c])));
      }
    }
}

template <int P>
__global__ void interpolate_kernel(const float2* __restrict__ Y, int64_t n, Geometry g,
                                   const float4* __restrict__ potentials, float2* __restrict__ out,
                                   double* __restrict__ partials) {
  __shared__ double scratch[kThreads / 32];
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double z = 0;
  if (i < n) {
    const float2 y = Y[i];
    float wx[P], wy[P];
    const int gx = locate<P>(g, (y.x - g.x0) * g.per_length, wx);
    const int gy = locate<P>(g, (y.y - g.y0) * g.per_length, wy);
    // Along y first, then x, as the CPU sums.
    float phi[4] = {};
#pragma unroll
    for (int a = 0; a < P; ++a) {
      float4 s = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
#pragma unroll
      for (int b = 0; b < P; ++b) {
        const float4 v = potentials[static_cast<int64_t>(gy + b) * g.nodes + gx + a];
        s.x += wy[b] * v.x;
        s.y += wy[b] * v.y;
        s.z += wy[b] * v.z;
        s.w += wy[b] * v.w;
      }
      phi[0] += wx[a] * s.x;
      phi[1] += wx[a] * s.y;
      phi[2] += wx[a] * s.z;
      phi[3] += wx[a] * s.w;
    }
    const float ux = (y.x - g.cx) * g.inv_radius, uy = (y.y - g.cy) * g.inv_radius;
    out[i] = make_float2(g.radius * (ux * phi[0] - phi[1]), g.radius * (uy * phi[0] - phi[2]));
    const double xd = ux, yd = uy, r2 = static_cast<double>(g.radius) * g.radius;
    // Minus 1: the j = i term, which the potentials include.
    z = phi[0] + r2 * ((xd * xd + yd * yd) * phi[0] - 2 * (xd * phi[1] + yd * phi[2]) + phi[3]) - 1.0;
  }
  z = block_sum(z, scratch);
  if (threadIdx.x == 0) partials[blockIdx.x] = z;
}

__global__ void exact_kernel(const float2* __restrict__ Y, int64_t n, float2* __restrict__ out,
                             double* __restrict__ partials) {
  __shared__ float2 tile[kThreads];
  __shared__ double scratch[kThreads / 32];
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  const float2 yi = i < n ? Y[i] : make_float2(0.0f, 0.0f);
  double fx = 0, fy = 0, z = 0;
  for (int64_t t0 = 0; t0 < n; t0 += kThreads) {
    __syncthreads();
    if (t0 + threadIdx.x < n) tile[threadIdx.x] = Y[t0 + threadIdx.x];
    __syncthreads();
    const int count = static_cast<int>(n - t0 < kThreads ? n - t0 : kThreads);
    float ax = 0, ay = 0, az = 0;  // one tile in float, then into the double sums
    for (int jj = 0; jj < count; ++jj) {
      if (t0 + jj == i) continue;
      const float dx = yi.x - tile[jj].x, dy = yi.y - tile[jj].y;
      const float q = 1.0f / (1.0f + dx * dx + dy * dy);
      const float q2 = q * q;
      ax += q2 * dx;
      ay += q2 * dy;
      az += q;
    }
    fx += ax;
    fy += ay;
    z += az;
  }
  if (i < n) out[i] = make_float2(static_cast<float>(fx), static_cast<float>(fy));
  z = block_sum(i < n ? z : 0.0, scratch);
  if (threadIdx.x == 0) partials[blockIdx.x] = z;
}

struct Buffers {
  unsigned long long* charges;
  float4* potentials;
  double* partials;
};

template <int P>
void spread_and_interpolate(const float2* Y, int64_t n, const Geometry& g, const Buffers& b,
                            GridConvolution& convolution, float2* out, double* z, cudaStream_t stream) {
  const unsigned blocks = static_cast<unsigned>(blocks_for(n, kThreads));
  spread_kernel<P><<<blocks, kThreads, 0, stream>>>(Y, n, g, b.charges);
  check_launch("spread_kernel");
  ChargeScale scale;
  for (int c = 0; c < 4; ++c) scale.inverse[c] = 1.0 / g.scale[c];
  convolution.run(g.nodes, g.spacing, b.charges, scale, b.potentials, stream);
  interpolate_kernel<P><<<blocks, kThreads, 0, stream>>>(Y, n, g, b.potentials, out, b.partials);
  check_launch("interpolate_kernel");
  sum_partials(b.partials, static_cast<int>(blocks), 0, 1, z, stream);
}

const FftParams& checked(const FftParams& params) {
  if (params.points_per_interval < 2 || params.points_per_interval > kMaxPoints || params.min_intervals < 1 ||
      !(params.intervals_per_unit > 0))
    throw KernelError("BAD_ARGUMENT", "repulsion_fft: parameters out of range");
  return params;
}

}  // namespace

void repulsion_exact(const float2* Y, int64_t n, float2* out, double* z, DeviceArray<double>& partials,
                     cudaStream_t stream) {
  const int64_t blocks = blocks_for(n, kThreads);
  partials.reserve(blocks);
  exact_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(Y, n, out, partials.get());
  check_launch("exact_kernel");
  sum_partials(partials.get(), static_cast<int>(blocks), 0, 1, z, stream);
}

FftRepulsion::FftRepulsion(int64_t n, const FftParams& params, cudaStream_t stream)
    : n_(n), params_(checked(params)), convolution_(stream), partials_(blocks_for(n, kThreads)) {}

void FftRepulsion::run(const float2* Y, const Bounds& box, float2* out, double* z, cudaStream_t stream) {
  const Geometry g = plan(box, n_, params_);
  const int64_t nodes2 = static_cast<int64_t>(g.nodes) * g.nodes;
  if (charges_.size() < 4 * nodes2 || potentials_.size() < nodes2) {
    // Grow by a quarter more than asked: the grid grows a little at a time as Y spreads.
    LK_CUDA(cudaStreamSynchronize(stream));
    const int64_t room = nodes2 + nodes2 / 4;
    if (charges_.size() < 4 * nodes2) {
      charges_.reserve(4 * room);
      charges_.zero(4 * room, stream);
    }
    potentials_.reserve(room);
  }
  const Buffers b{charges_.get(), potentials_.get(), partials_.get()};
  switch (params_.points_per_interval) {
    case 2: return spread_and_interpolate<2>(Y, n_, g, b, convolution_, out, z, stream);
    case 3: return spread_and_interpolate<3>(Y, n_, g, b, convolution_, out, z, stream);
    case 4: return spread_and_interpolate<4>(Y, n_, g, b, convolution_, out, z, stream);
    case 5: return spread_and_interpolate<5>(Y, n_, g, b, convolution_, out, z, stream);
    default: return spread_and_interpolate<6>(Y, n_, g, b, convolution_, out, z, stream);
  }
}

}  // namespace lookalike::cuda
