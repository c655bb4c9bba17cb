// Static-partition parallel loop over a pool of threads that lives as long as the process.
// The partition depends only on (n, threads), so every reduction that sums per-thread parts
// in thread order is deterministic for a given thread count.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <thread>

namespace lookalike {

// Runs part(p) for p in [0, parts): part 0 on the calling thread, the others on pool
// threads (started on first need, then kept: starting and joining a thread per part took
// ~50 us, thousands of times in a t-SNE or k-means run). Called from a pool thread, runs
// them all there, in order, so that no pool thread ever waits for another. An exception
// in any part is rethrown (the lowest part's) after all parts finish.
void run_parts(int parts, const std::function<void(int)>& part);

inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// Calls f(begin, end, part) for `parts` contiguous slices of [0, n); part 0 runs on
// the calling thread. An exception in any part is rethrown after all parts finish.
template <typename F>
void parallel_for(int64_t n, int threads, F&& f) {
  const int parts = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
  if (parts == 1) {
    f(int64_t{0}, n, 0);
    return;
  }
  run_parts(parts, [&](int p) { f(n * p / parts, n * (p + 1) / parts, p); });
}

// Number of parts parallel_for(n, threads, ...) will use: size per-part scratch with it.
inline int parallel_parts(int64_t n, int threads) {
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
}

}  // namespace lookalike
