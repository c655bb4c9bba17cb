#include "lookalike/gemm.h"

#include <algorithm>
#include <vector>

#include "lookalike/parallel.h"
#include "simd.h"

namespace lookalike {
namespace {

constexpr int kLanes = 16;

// B (d x m) copied with rows padded to a multiple of 16 columns, so every column
// chunk is whole vectors.
std::vector<float> pad_columns(const float* B, int64_t rows, int m, int mp) {
  std::vector<float> out(static_cast<size_t>(rows) * mp, 0.0f);
  for (int64_t r = 0; r < rows; ++r) std::copy(B + r * m, B + r * m + m, out.data() + r * mp);
  return out;
}

// Four rows of A against one chunk of up to 64 padded columns of B.
template <int V>
void nn_block(const float* const a[4], int d, const float* Bp, int mp, int c0, float out[4][64]) {
  v16 acc[4][V] = {};
  for (int p = 0; p < d; ++p) {
    const float* b = Bp + static_cast<int64_t>(p) * mp + c0;
    v16 bv[V];
    for (int v = 0; v < V; ++v) bv[v] = load16(b + v * kLanes);
    for (int r = 0; r < 4; ++r) {
      v16 s = splat16(a[r][p]);
      for (int v = 0; v < V; ++v) acc[r][v] += s * bv[v];
    }
  }
  for (int r = 0; r < 4; ++r)
    for (int v = 0; v < V; ++v) store16(out[r] + v * kLanes, acc[r][v]);
}

}  // namespace

void gemm_nn(const float* A, int64_t n, int d, const float* B, int m, float* C, int threads) {
  const int mp = (m + kLanes - 1) / kLanes * kLanes;
  const std::vector<float> Bp = pad_columns(B, d, m, mp);
  const int64_t blocks = (n + 3) / 4;
  parallel_for(blocks, threads, [&](int64_t begin, int64_t end, int) {
    float out[4][64];
    for (int64_t blk = begin; blk < end; ++blk) {
      const int64_t r0 = blk * 4;
      const int rows = static_cast<int>(std::min<int64_t>(4, n - r0));
      const float* a[4];
      for (int r = 0; r < 4; ++r) a[r] = A + (r0 + std::min(r, rows - 1)) * d;
      for (int c0 = 0; c0 < mp; c0 += 64) {
        const int width = std::min(64, mp - c0);
        switch (width / kLanes) {
          case 1: nn_block<1>(a, d, Bp.data(), mp, c0, out); break;
          case 2: nn_block<2>(a, d, Bp.data(), mp, c0, out); break;
          case 3: nn_block<3>(a, d, Bp.data(), mp, c0, out); break;
          default: nn_block<4>(a, d, Bp.data(), mp, c0, out); break;
        }
        const int cols = std::min(width, m - c0);
        for (int r = 0; r < rows; ++r) std::copy(out[r], out[r] + cols, C + (r0 + r) * m + c0);
      }
    }
  });
}

void gemm_tn(const float* A, int64_t n, int d, const float* B, int m, float* C, int threads) {
  const int mp = (m + kLanes - 1) / kLanes * kLanes;
  const int parts = parallel_parts(n, threads);
  std::vector<std::vector<float>> partial(parts);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    std::vector<float>& acc = partial[part];
    acc.assign(static_cast<size_t>(d) * mp, 0.0f);
    float brow[8][32];
    for (int c0 = 0; c0 < mp; c0 += 32) {
      const int width = std::min(32, mp - c0);
      const int cols = std::min(width, m - c0);
      for (int64_t r0 = begin; r0 < end; r0 += 8) {
        const int rows = static_cast<int>(std::min<int64_t>(8, end - r0));
        // Rows beyond the slice get zero coefficients, so the loop stays uniform.
        const float* a[8];
        for (int r = 0; r < 8; ++r) {
          std::fill(brow[r], brow[r] + 32, 0.0f);
          a[r] = A + (r0 + std::min(r, rows - 1)) * d;
          if (r < rows) std::copy(B + (r0 + r) * m + c0, B + (r0 + r) * m + c0 + cols, brow[r]);
        }
        v16 b[8][2];
        for (int r = 0; r < 8; ++r)
          for (int v = 0; v < 2; ++v) b[r][v] = load16(brow[r] + v * kLanes);
        const int vectors = width / kLanes;
        for (int p = 0; p < d; ++p) {
          float* c = acc.data() + static_cast<int64_t>(p) * mp + c0;
          for (int v = 0; v < vectors; ++v) {
            v16 s = load16(c + v * kLanes);
            for (int r = 0; r < 8; ++r) s += splat16(a[r][p]) * b[r][v];
            store16(c + v * kLanes, s);
          }
        }
      }
    }
  });
  for (int p = 0; p < d; ++p)
    for (int c = 0; c < m; ++c) {
      float s = 0;
      for (int t = 0; t < parts; ++t) s += partial[t][static_cast<int64_t>(p) * mp + c];
      C[static_cast<int64_t>(p) * m + c] = s;
    }
}

}  // namespace lookalike
