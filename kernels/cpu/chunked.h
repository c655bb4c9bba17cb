// Reductions over rows that give the same bits whatever the thread count: rows are cut
// into fixed chunks, each chunk sums into its own slot, and the slots are added in order.
#pragma once
#include <cstdint>
#include <vector>

#include "lookalike/parallel.h"

namespace lookalike {

constexpr int64_t kChunkRows = 2048;

// f(begin, end, out) adds the contribution of rows [begin, end) into out[0 .. width).
// Returns the total of every chunk, width values.
template <typename F>
std::vector<double> chunked_sum(int64_t n, int width, int threads, F&& f) {
  const int64_t chunks = (n + kChunkRows - 1) / kChunkRows;
  std::vector<double> partial(static_cast<size_t>(chunks) * width, 0.0);
  parallel_for(chunks, threads, [&](int64_t c0, int64_t c1, int) {
    for (int64_t c = c0; c < c1; ++c)
      f(c * kChunkRows, std::min(n, (c + 1) * kChunkRows), partial.data() + c * width);
  });
  std::vector<double> total(width, 0.0);
  for (int64_t c = 0; c < chunks; ++c)
    for (int w = 0; w < width; ++w) total[w] += partial[c * width + w];
  return total;
}

}  // namespace lookalike
