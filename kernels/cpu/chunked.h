// Work over rows in fixed chunks that threads take as they go: a thread slowed by other
// work on its core takes fewer chunks, and as each chunk's result depends only on the
// chunk, the result does not depend on the thread count or the timing.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

#include "lookalike/parallel.h"

namespace lookalike {

constexpr int64_t kChunkRows = 2048;

// Calls f(chunk) once for every chunk in [0, chunks), on up to `threads` threads.
template <typename F>
void for_each_chunk(int64_t chunks, int threads, F&& f) {
  std::atomic<int64_t> next{0};
  parallel_for(std::min<int64_t>(threads, chunks), threads, [&](int64_t, int64_t, int) {
    for (int64_t c = next++; c < chunks; c = next++) f(c);
  });
}

// f(begin, end, out) adds the contribution of rows [begin, end) into out[0 .. width).
// Returns the total over all rows, the chunks' parts added in chunk order.
template <typename F>
std::vector<double> chunked_sum(int64_t n, int width, int threads, F&& f, int64_t chunk_rows = kChunkRows) {
  const int64_t chunks = (n + chunk_rows - 1) / chunk_rows;
  std::vector<double> partial(static_cast<size_t>(chunks) * width, 0.0);
  for_each_chunk(chunks, threads, [&](int64_t c) {
    f(c * chunk_rows, std::min(n, (c + 1) * chunk_rows), partial.data() + c * width);
  });
  std::vector<double> total(width, 0.0);
  for (int64_t c = 0; c < chunks; ++c)
    for (int w = 0; w < width; ++w) total[w] += partial[c * width + w];
  return total;
}

}  // namespace lookalike
