#include "lookalike/arrays.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "lookalike/parallel.h"

namespace lookalike {

namespace {

// Slices of at least 1M values: below that a thread costs more than it saves.
int parts_for(int64_t count, int threads) {
  constexpr int64_t kSlice = int64_t{1} << 20;
  return parallel_parts((count + kSlice - 1) / kSlice, resolve_threads(threads));
}

// The first i in [0, count) where bad(i), or -1.
template <typename Bad>
int64_t first_where(int64_t count, int threads, Bad bad) {
  const int parts = parts_for(count, threads);
  std::vector<int64_t> first(parts, -1);
  parallel_for(parts, parts, [&](int64_t begin, int64_t end, int) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t from = count * p / parts, to = count * (p + 1) / parts;
      // Branch-free over blocks of 1024, so the compiler can vectorise the test.
      for (int64_t b = from; b < to && first[p] < 0; b += 1024) {
        const int64_t e = std::min(to, b + 1024);
        bool any = false;
        for (int64_t i = b; i < e; ++i) any |= bad(i);
        if (any)
          for (int64_t i = b; i < e; ++i)
            if (bad(i)) {
              first[p] = i;
              break;
            }
      }
    }
  });
  for (const int64_t f : first)
    if (f >= 0) return f;
  return -1;
}

}  // namespace

int64_t first_non_finite(const float* data, int64_t count, int threads) {
  return first_where(count, threads, [&](int64_t i) { return !std::isfinite(data[i]); });
}

int64_t first_bad_neighbour(const int32_t* indices, const float* distances, int64_t count, int64_t n, int threads) {
  return first_where(count, threads, [&](int64_t i) {
    return (indices[i] < 0) | (indices[i] >= n) | !(distances[i] >= 0) | !std::isfinite(distances[i]);
  });
}

void copy_floats(const float* from, float* to, int64_t count, int threads) {
  const int parts = parts_for(count, threads);
  parallel_for(parts, parts, [&](int64_t begin, int64_t end, int) {
    const int64_t a = count * begin / parts, b = count * end / parts;
    std::memcpy(to + a, from + a, sizeof(float) * (b - a));
  });
}

}  // namespace lookalike
