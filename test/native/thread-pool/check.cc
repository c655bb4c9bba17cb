// parallel_for over the kept pool (kernels/cpu/thread_pool.cc), compiled with the real
// sources by thread-pool.test.ts: every part runs once with its slice, the lowest part's
// exception is rethrown after all parts finish, a parallel_for inside a part runs there,
// and callers on several threads at once each get their own parts. Prints one line a
// check and "FAILED" on any failure.
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lookalike/parallel.h"

using lookalike::parallel_for;

static bool ok = true;

static void check(bool pass, const std::string& what) {
  std::printf("%s: %s\n", pass ? "ok" : "FAILED", what.c_str());
  ok = ok && pass;
}

// Each index of [0, n) visited once, by the part that owns its slice.
static bool covers(int64_t n, int threads) {
  std::vector<std::atomic<int>> seen(n);
  std::vector<int> owner(n, -1);
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    for (int64_t i = begin; i < end; ++i) {
      seen[i]++;
      owner[i] = part;
    }
  });
  const int parts = lookalike::parallel_parts(n, threads);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t p = owner[i];
    if (seen[i] != 1 || p < 0 || i < n * p / parts || i >= n * (p + 1) / parts) return false;
  }
  return true;
}

int main() {
  check(covers(1000, 1) && covers(1000, 2) && covers(1000, 7) && covers(3, 16) && covers(100000, 16),
        "every index once, in its part's slice (1 to 16 threads)");

  for (int round = 0; round < 200; ++round) {
    std::vector<int> ran(8, 0);
    try {
      parallel_for(8, 8, [&](int64_t, int64_t, int part) {
        ran[part] = 1;
        if (part == 5 || part == 3) throw std::runtime_error("part " + std::to_string(part));
      });
      check(false, "an exception in a part is rethrown");
      break;
    } catch (const std::runtime_error& e) {
      int all = 0;
      for (int r : ran) all += r;
      if (std::string(e.what()) != "part 3" || all != 8) {
        check(false, "the lowest part's exception, after every part ran: got " + std::string(e.what()));
        break;
      }
    }
    if (round == 199) check(true, "the lowest part's exception, after every part ran (200 rounds)");
  }

  std::atomic<int64_t> inner{0};
  parallel_for(4, 4, [&](int64_t, int64_t, int) {
    parallel_for(1000, 4, [&](int64_t begin, int64_t end, int) { inner += end - begin; });
  });
  check(inner == 4000, "a parallel_for inside a part covers its range");

  std::vector<int64_t> totals(6, 0);
  std::vector<std::thread> callers;
  for (int c = 0; c < 6; ++c)
    callers.emplace_back([&, c] {
      for (int round = 0; round < 300; ++round) {
        std::vector<int64_t> sums(3, 0);
        parallel_for(3000 + c, 3, [&](int64_t begin, int64_t end, int part) {
          for (int64_t i = begin; i < end; ++i) sums[part] += i;
        });
        totals[c] += sums[0] + sums[1] + sums[2];
      }
    });
  for (auto& t : callers) t.join();
  bool each = true;
  for (int c = 0; c < 6; ++c) each = each && totals[c] == 300 * (int64_t{3000 + c} * (2999 + c) / 2);
  check(each, "6 callers at once, 300 calls each, each its own sums");

  std::printf(ok ? "all passed\n" : "FAILED\n");
  return ok ? 0 : 1;
}
