// The passes, for nodes N and transform size M: the kernel's M x M grid (generated, never
// read) forward along x, transposed, forward along y: its spectrum. Charges 0, 1 and 2, 3
// travel as the real and imaginary parts of two complex grids (the spectrum is real, so
// they never mix): N rows forward along x, transposed to M rows of N, each forward along
// y, times the spectrum, inverse; transposed back, N rows inverse along x. Rows past N
// are known zeros and never transformed; only the first N outputs are kept.
#include "fft.cuh"
#include "grid_convolution.cuh"

namespace lookalike::cuda {
namespace {

constexpr int kThreads = 256;

__global__ void twiddle_kernel(float2* twiddle) {
  const int t = blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= kTwiddles) return;
  double s, c;
  if (t < kTwiddle3)
    sincospi(2.0 * t / kMaxFft, &s, &c);
  else
    sincospi(2.0 * (t - kTwiddle3) / kMaxFft3, &s, &c);
  twiddle[t] = make_float2(static_cast<float>(c), static_cast<float>(-s));
}

// in: `batch` matrices rows x cols; out: the same, each transposed (cols x rows).
__global__ void transpose_kernel(const float2* __restrict__ in, float2* __restrict__ out, int rows, int cols) {
  __shared__ float2 tile[32][33];
  const int64_t offset = static_cast<int64_t>(blockIdx.z) * rows * cols;
  const int x = blockIdx.x * 32 + threadIdx.x, y0 = blockIdx.y * 32;
  for (int r = threadIdx.y; r < 32; r += blockDim.y)
    if (x < cols && y0 + r < rows) tile[r][threadIdx.x] = in[offset + static_cast<int64_t>(y0 + r) * cols + x];
  __syncthreads();
  const int ox = y0 + threadIdx.x;
  for (int r = threadIdx.y; r < 32; r += blockDim.y) {
    const int oy = blockIdx.x * 32 + r;
    if (oy < cols && ox < rows) out[offset + static_cast<int64_t>(oy) * rows + ox] = tile[threadIdx.x][r];
  }
}

void transpose(const float2* in, float2* out, int rows, int cols, int batch, cudaStream_t stream) {
  const dim3 grid((cols + 31) / 32, (rows + 31) / 32, batch);
  transpose_kernel<<<grid, dim3(32, 8), 0, stream>>>(in, out, rows, cols);
  check_launch("transpose_kernel");
}

// Row y of the kernel's circulant embedding: offsets up to N - 1 either way, zeros between.
__global__ void kernel_rows(float2* out, int nodes, int size, double spacing2, const float2* twiddle) {
  extern __shared__ float2 s[];
  const int y = blockIdx.x, dy = min(y, size - y);
  for (int x = threadIdx.x; x < size; x += blockDim.x) {
    const int dx = min(x, size - x);
    float k = 0;
    if (dx < nodes && dy < nodes) {
      const double q = 1.0 / (1.0 + spacing2 * (static_cast<double>(dx) * dx + static_cast<double>(dy) * dy));
      k = static_cast<float>(q * q);
    }
    s[x] = make_float2(k, 0.0f);
  }
  __syncthreads();
  fft_forward(s, size, twiddle);
  for (int p = threadIdx.x; p < size; p += blockDim.x) out[static_cast<int64_t>(y) * size + p] = s[p];
}

// Row j of the transposed kernel grid forward: the (real) spectrum, scaled.
__global__ void spectrum_rows(const float2* in, float* spectrum, int size, float scale, const float2* twiddle) {
  extern __shared__ float2 s[];
  const int64_t row = static_cast<int64_t>(blockIdx.x) * size;
  for (int y = threadIdx.x; y < size; y += blockDim.x) s[y] = in[row + y];
  __syncthreads();
  fft_forward(s, size, twiddle);
  for (int p = threadIdx.x; p < size; p += blockDim.x) spectrum[row + p] = s[p].x * scale;
}

// Row y of charge pair g (blockIdx.y), read from the fixed-point grid and cleared.
__global__ void charge_rows(unsigned long long* charges, int nodes, int size, ChargeScale scale, float2* out,
                            const float2* twiddle) {
  extern __shared__ float2 s[];
  const int y = blockIdx.x, g = blockIdx.y;
  const double inv_re = scale.inverse[2 * g], inv_im = scale.inverse[2 * g + 1];
  for (int x = threadIdx.x; x < size; x += blockDim.x) {
    float2 v = make_float2(0.0f, 0.0f);
    if (x < nodes) {
      unsigned long long* c = charges + (static_cast<int64_t>(y) * nodes + x) * 4 + 2 * g;
      v.x = static_cast<float>(static_cast<double>(static_cast<long long>(c[0])) * inv_re);
      v.y = static_cast<float>(static_cast<double>(static_cast<long long>(c[1])) * inv_im);
      c[0] = 0;
      c[1] = 0;
    }
    s[x] = v;
  }
  __syncthreads();
  fft_forward(s, size, twiddle);
  float2* row = out + (static_cast<int64_t>(g) * nodes + y) * size;
  for (int p = threadIdx.x; p < size; p += blockDim.x) row[p] = s[p];
}

// Row j (an x frequency, in fft.cuh's permuted order) of pair g, in place: forward along
// y, times the spectrum, inverse; the first N values kept.
__global__ void convolve_columns(float2* grid, int nodes, int size, const float* spectrum, const float2* twiddle) {
  extern __shared__ float2 s[];
  const int j = blockIdx.x, g = blockIdx.y;
  float2* row = grid + (static_cast<int64_t>(g) * size + j) * nodes;
  for (int y = threadIdx.x; y < size; y += blockDim.x) s[y] = y < nodes ? row[y] : make_float2(0.0f, 0.0f);
  __syncthreads();
  fft_forward(s, size, twiddle);
  const float* k = spectrum + static_cast<int64_t>(j) * size;
  for (int p = threadIdx.x; p < size; p += blockDim.x) {
    const float w = k[p];
    s[p] = make_float2(s[p].x * w, s[p].y * w);
  }
  __syncthreads();
  fft_inverse(s, size, twiddle);
  for (int y = threadIdx.x; y < nodes; y += blockDim.x) row[y] = s[y];
}

// Row y of pair g inverse along x into the potentials' components 2g, 2g + 1.
__global__ void potential_rows(const float2* grid, int nodes, int size, float4* potentials, const float2* twiddle) {
  extern __shared__ float2 s[];
  const int y = blockIdx.x, g = blockIdx.y;
  const float2* row = grid + (static_cast<int64_t>(g) * nodes + y) * size;
  for (int p = threadIdx.x; p < size; p += blockDim.x) s[p] = row[p];
  __syncthreads();
  fft_inverse(s, size, twiddle);
  float2* out = reinterpret_cast<float2*>(potentials);
  for (int x = threadIdx.x; x < nodes; x += blockDim.x) out[2 * (static_cast<int64_t>(y) * nodes + x) + g] = s[x];
}

template <typename Kernel>
void allow_shared(Kernel kernel) {
  LK_CUDA(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                               static_cast<int>(kMaxFft * sizeof(float2))));
}

}  // namespace

GridConvolution::GridConvolution(cudaStream_t stream) : twiddle_(kTwiddles) {
  twiddle_kernel<<<(kTwiddles + kThreads - 1) / kThreads, kThreads, 0, stream>>>(twiddle_.get());
  check_launch("twiddle_kernel");
  allow_shared(kernel_rows);
  allow_shared(spectrum_rows);
  allow_shared(charge_rows);
  allow_shared(convolve_columns);
  allow_shared(potential_rows);
}

void GridConvolution::run(int nodes, double spacing, unsigned long long* charges, const ChargeScale& scale,
                          float4* potentials, cudaStream_t stream) {
  const int size = fft_length_at_least(2 * nodes - 1);
  const int64_t cells = static_cast<int64_t>(size) * size;
  if (first_.size() < cells || second_.size() < cells || spectrum_.size() < cells) {
    LK_CUDA(cudaStreamSynchronize(stream));  // the old buffers may still be in use
    first_.reserve(cells);
    second_.reserve(cells);
    spectrum_.reserve(cells);
  }
  const size_t shared = sizeof(float2) * size;
  const float2* tw = twiddle_.get();

  kernel_rows<<<size, kThreads, shared, stream>>>(first_.get(), nodes, size, spacing * spacing, tw);
  check_launch("kernel_rows");
  transpose(first_.get(), second_.get(), size, size, 1, stream);
  const float norm = 1.0f / (static_cast<float>(size) * static_cast<float>(size));
  spectrum_rows<<<size, kThreads, shared, stream>>>(second_.get(), spectrum_.get(), size, norm, tw);
  check_launch("spectrum_rows");

  charge_rows<<<dim3(nodes, 2), kThreads, shared, stream>>>(charges, nodes, size, scale, first_.get(), tw);
  check_launch("charge_rows");
  transpose(first_.get(), second_.get(), nodes, size, 2, stream);
  convolve_columns<<<dim3(size, 2), kThreads, shared, stream>>>(second_.get(), nodes, size, spectrum_.get(), tw);
  check_launch("convolve_columns");
  transpose(second_.get(), first_.get(), size, nodes, 2, stream);
  potential_rows<<<dim3(nodes, 2), kThreads, shared, stream>>>(first_.get(), nodes, size, potentials, tw);
  check_launch("potential_rows");
}

}  // namespace lookalike::cuda
