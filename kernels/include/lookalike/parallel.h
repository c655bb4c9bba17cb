// Static-partition parallel loop over std::thread. The partition depends only on
// (n, threads), so every reduction that sums per-thread parts in thread order is
// deterministic for a given thread count.
#pragma once
#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace lookalike {

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
  std::vector<std::exception_ptr> errors(parts);
  auto run = [&](int p) {
    try {
      f(n * p / parts, n * (p + 1) / parts, p);
    } catch (...) {
      errors[p] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(parts - 1);
  for (int p = 1; p < parts; ++p) pool.emplace_back(run, p);
  run(0);
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// Number of parts parallel_for(n, threads, ...) will use: size per-part scratch with it.
inline int parallel_parts(int64_t n, int threads) {
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
}

}  // namespace lookalike
