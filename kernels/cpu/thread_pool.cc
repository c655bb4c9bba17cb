// The pool behind parallel_for (lookalike/parallel.h).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <vector>

#include "lookalike/parallel.h"

namespace lookalike {
namespace {

thread_local bool on_pool_thread = false;
// About 20-50 us of polling (a pause is 10-140 cycles, by CPU).
constexpr int kSpins = 2000;

// One run_parts call: its parts still running, and their exceptions.
struct Batch {
  const std::function<void(int)>& part;
  std::vector<std::exception_ptr> errors;
  std::atomic<int> pending;

  void run(int p) {
    try {
      part(p);
    } catch (...) {
      errors[p] = std::current_exception();
    }
  }

  // After every part ran: the lowest part's exception, if any.
  void rethrow() const {
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
};

class Pool {
 public:
  void run(int parts, const std::function<void(int)>& part) {
    Batch batch{part, std::vector<std::exception_ptr>(parts), {parts - 1}};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      // Enough threads for every part beside the caller's, as a thread per part had.
      for (; threads_ < parts - 1; ++threads_) std::thread([this] { work(); }).detach();
      for (int p = 1; p < parts; ++p) queue_.push_back({&batch, p});
      queued_.fetch_add(parts - 1, std::memory_order_relaxed);
    }
    work_ready_.notify_all();
    batch.run(0);
    if (!spin_until([&] { return batch.pending.load() == 0; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      batch_done_.wait(lock, [&] { return batch.pending.load() == 0; });
    }
    batch.rethrow();
  }

 private:
  struct Item {
    Batch* batch;
    int part;
  };

  // Polls ready() for a while before the thread blocks: waking a blocked thread took ~30 us
  // here (0.7 us a parallel_for with polling), and t-SNE and k-means call it back to back.
  template <typename Ready>
  static bool spin_until(Ready ready) {
    for (int i = 0; i < kSpins; ++i) {
      if (ready()) return true;
      pause();
    }
    return false;
  }

  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  void work() {
    on_pool_thread = true;
    for (;;) {
      Item item;
      {
        spin_until([&] { return queued_.load(std::memory_order_relaxed) > 0; });
        std::unique_lock<std::mutex> lock(mutex_);
        work_ready_.wait(lock, [&] { return !queue_.empty(); });
        item = queue_.front();
        queue_.pop_front();
        queued_.fetch_sub(1, std::memory_order_relaxed);
      }
      item.batch->run(item.part);
      // The batch may be gone once its count reaches 0: only the pool is touched after.
      if (item.batch->pending.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);
        batch_done_.notify_all();
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable work_ready_, batch_done_;
  std::deque<Item> queue_;
  std::atomic<int> queued_{0};  // queue_.size(), read without the lock while spinning
  int threads_ = 0;
};

}  // namespace

void run_parts(int parts, const std::function<void(int)>& part) {
  if (on_pool_thread) {
    Batch batch{part, std::vector<std::exception_ptr>(parts), {0}};
    for (int p = 0; p < parts; ++p) batch.run(p);
    batch.rethrow();
    return;
  }
  // Never destroyed: its threads outlive every caller, up to the process's exit.
  static Pool* const pool = new Pool;
  pool->run(parts, part);
}

}  // namespace lookalike
