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
    if (blocks_.empty() || used_ + vectors > blocks_.back().size) {
      add_block(std::max<int64_t>(vectors, blocks_.empty() ? 0 : blocks_.back().size));
      used_ = 0;
    }
    float* p = reinterpret_cast<float*>(blocks_.back().data.get() + used_);
    used_ += vectors;
    taken_ += vectors;
    return p;
  }

  // Takes everything back; if the pieces needed more than one block, the next round
  // gets one block that holds them all, with room to grow (a t-SNE embedding expands,
  // and with it the grid, over hundreds of calls).
  void reset() {
    if (blocks_.size() > 1) {
      blocks_.clear();
      add_block(taken_ + taken_ / 4);
    }
    used_ = 0;
    taken_ = 0;
  }

 private:
  struct Block {
    std::unique_ptr<v16[]> data;
    int64_t size;  // vectors
  };
  void add_block(int64_t size) { blocks_.push_back({std::unique_ptr<v16[]>(new v16[size]), size}); }

  std::vector<Block> blocks_;
  int64_t used_ = 0, taken_ = 0;
};

}  // namespace lookalike
