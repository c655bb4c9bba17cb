// Scratch memory handed out in 64-byte aligned pieces and taken back all at once. Kept
// across calls, it spares a kernel that runs hundreds of times the page faults of fresh
// multi-megabyte allocations (they cost more than the FFTs they feed).
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "simd.h"

namespace lookalike {

class Arena {
 public:
  // `count` uninitialised floats, valid until reset().
  float* floats(int64_t count) {
    const int64_t vectors = (count + 15) / 16;
    if (blocks_.empty() || used_ + vectors > sizes_.back()) {
      const int64_t size = std::max<int64_t>(vectors, sizes_.empty() ? 0 : sizes_.back());
      blocks_.emplace_back(new v16[size]);
      sizes_.push_back(size);
      used_ = 0;
    }
    float* p = reinterpret_cast<float*>(blocks_.back().get() + used_);
    used_ += vectors;
    taken_ += vectors;
    return p;
  }

  // Takes everything back; if the pieces needed more than one block, the next round
  // gets one block that holds them all.
  void reset() {
    if (blocks_.size() > 1) {
      blocks_.clear();
      sizes_.clear();
      blocks_.emplace_back(new v16[taken_]);
      sizes_.push_back(taken_);
    }
    used_ = 0;
    taken_ = 0;
  }

 private:
  std::vector<std::unique_ptr<v16[]>> blocks_;
  std::vector<int64_t> sizes_;
  int64_t used_ = 0, taken_ = 0;
};

}  // namespace lookalike
