// Register-blocked dot products of up to 4 rows against up to 4 rows, each pair summed
// over d in 16-lane vectors: the inner kernel of k-means (points x centroids), where both
// sides are row-major and short, so nothing is transposed or packed.
#pragma once
#include <cstring>

#include "simd.h"

namespace lookalike {

typedef int v16i __attribute__((vector_size(64)));

#if defined(__clang__)
#define LOOKALIKE_SHUFFLE(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define LOOKALIKE_SHUFFLE(a, b, ...) __builtin_shuffle(a, b, v16i{__VA_ARGS__})
#endif

// Sums each of 16 vectors across its lanes at once: four rounds that halve the lane
// width, 15 shuffles-and-adds instead of 16 separate horizontal sums. Lane
// 2 * bitrev3(j & 7) + (j >> 3) of the result holds the sum of acc[j].
inline v16 reduce16(const v16 acc[16]) {
  v16 t[8], u[4], v[2];
  for (int j = 0; j < 8; ++j)
    t[j] = LOOKALIKE_SHUFFLE(acc[2 * j], acc[2 * j + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
           LOOKALIKE_SHUFFLE(acc[2 * j], acc[2 * j + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  for (int j = 0; j < 4; ++j)
    u[j] = LOOKALIKE_SHUFFLE(t[2 * j], t[2 * j + 1], 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27) +
           LOOKALIKE_SHUFFLE(t[2 * j], t[2 * j + 1], 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
  for (int j = 0; j < 2; ++j)
    v[j] = LOOKALIKE_SHUFFLE(u[2 * j], u[2 * j + 1], 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29) +
           LOOKALIKE_SHUFFLE(u[2 * j], u[2 * j + 1], 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
  return LOOKALIKE_SHUFFLE(v[0], v[1], 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30) +
         LOOKALIKE_SHUFFLE(v[0], v[1], 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
}

#undef LOOKALIKE_SHUFFLE

// GCC otherwise folds the load into every multiply-add that uses the vector, twice the
// loads the block needs; the empty asm makes the value live in a register. Only where a
// register holds 16 floats (AVX-512): elsewhere the constraint cannot be met, and the
// x86-64-v3 build of .ci/gpu-prepare failed on it.
inline void keep_in_register(v16& v) {
#if defined(__GNUC__) && defined(__AVX512F__)
  asm("" : "+v"(v));
#else
  (void)v;
#endif
}

constexpr int reduce16_lane(int j) {
  return 2 * (((j & 1) << 2) | (j & 2) | ((j >> 2) & 1)) + (j >> 3);
}

// out[r][c] = a[r] . b[c] over d floats, for R rows a and C rows b (R, C <= 4). Each
// pair's sum has the same order whatever R and C, so a result never depends on the
// block it was computed in.
template <int R, int C>
__attribute__((noinline)) void dot_block(const float* const* a, const float* const* b, int d, float out[4][4]) {
  v16 acc[R][C] = {};
  const int whole = d & ~15;
  for (int p = 0; p < whole; p += 16) {
    v16 bv[C];
    for (int c = 0; c < C; ++c) {
      bv[c] = load16(b[c] + p);
      keep_in_register(bv[c]);
    }
    for (int r = 0; r < R; ++r) {
      v16 av = load16(a[r] + p);
      keep_in_register(av);
      for (int c = 0; c < C; ++c) acc[r][c] += av * bv[c];
    }
  }
  if (whole < d) {
    const size_t tail = sizeof(float) * (d - whole);
    v16 bv[C] = {};
    for (int c = 0; c < C; ++c) std::memcpy(&bv[c], b[c] + whole, tail);
    for (int r = 0; r < R; ++r) {
      v16 av = {};
      std::memcpy(&av, a[r] + whole, tail);
      for (int c = 0; c < C; ++c) acc[r][c] += av * bv[c];
    }
  }
  v16 all[16] = {};
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) all[r * 4 + c] = acc[r][c];
  const v16 sums = reduce16(all);
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) out[r][c] = sums[reduce16_lane(r * 4 + c)];
}

// dot_block for a run-time number of rows b (1 to 4); rows of a are always 4 (callers
// repeat the last row of a short block).
inline void dot_block4(const float* const* a, const float* const* b, int count, int d, float out[4][4]) {
  switch (count) {
    case 1: dot_block<4, 1>(a, b, d, out); break;
    case 2: dot_block<4, 2>(a, b, d, out); break;
    case 3: dot_block<4, 3>(a, b, d, out); break;
    default: dot_block<4, 4>(a, b, d, out); break;
  }
}

// a . b over d floats, one pair: for the odd distance outside a block.
inline float dot1(const float* a, const float* b, int d) {
  v16 acc = {};
  const int whole = d & ~15;
  for (int p = 0; p < whole; p += 16) acc += load16(a + p) * load16(b + p);
  float s = 0;
  for (int p = whole; p < d; ++p) s += a[p] * b[p];
  for (int l = 0; l < 16; ++l) s += acc[l];
  return s;
}

// |a - b|^2 over d floats, summed directly rather than expanded: exact enough to rank
// points by their distance to a nearby centroid.
inline float squared_difference(const float* a, const float* b, int d) {
  v16 acc = {};
  const int whole = d & ~15;
  for (int p = 0; p < whole; p += 16) {
    const v16 diff = load16(a + p) - load16(b + p);
    acc += diff * diff;
  }
  float s = 0;
  for (int p = whole; p < d; ++p) s += (a[p] - b[p]) * (a[p] - b[p]);
  for (int l = 0; l < 16; ++l) s += acc[l];
  return s;
}

}  // namespace lookalike
