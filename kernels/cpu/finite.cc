#include "lookalike/finite.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "lookalike/parallel.h"

namespace lookalike {

int64_t first_non_finite(const float* data, int64_t count, int threads) {
  // Slices of at least 1M values: below that a thread costs more than it scans.
  constexpr int64_t kSlice = int64_t{1} << 20;
  const int parts = parallel_parts((count + kSlice - 1) / kSlice, resolve_threads(threads));
  std::vector<int64_t> first(parts, -1);
  parallel_for(parts, parts, [&](int64_t begin, int64_t end, int) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t from = count * p / parts, to = count * (p + 1) / parts;
      // Branch-free over blocks of 1024, so the compiler can vectorise the test.
      for (int64_t b = from; b < to && first[p] < 0; b += 1024) {
        const int64_t e = std::min(to, b + 1024);
        bool bad = false;
        for (int64_t i = b; i < e; ++i) bad |= !std::isfinite(data[i]);
        if (bad) first[p] = std::find_if(data + b, data + e, [](float v) { return !std::isfinite(v); }) - data;
      }
    }
  });
  for (const int64_t f : first)
    if (f >= 0) return f;
  return -1;
}

}  // namespace lookalike
