// The blocked distance kernel behind both kNN methods. Points are centred (so the
// |x|^2 + |y|^2 - 2 x.y form loses little to cancellation) and packed transposed, 48 to a
// panel, so one 16-lane vector holds a coordinate of 16 points. An 8 x 48 register tile of
// dot products becomes squared distances; one vector compare against each row's current
// k-th distance (`bound`, per slot) rejects almost every candidate.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace lookalike {

constexpr int kPanel = 48;

// Throws BAD_ARGUMENT unless n >= 2, d >= 1 and 1 <= k < n (callers validate first).
void check_knn_arguments(const char* what, int64_t n, int d, int k);

// Points in slot order. Each group starts on a panel boundary; padding slots have id -1,
// zero coordinates and an infinite norm, so they never pass a compare.
struct Packed {
  int d = 0;
  std::vector<float> data;      // panel-major: panel p is d rows of 48 floats
  std::vector<float> norms;     // squared norm per slot
  std::vector<int32_t> ids;     // point index per slot
  std::vector<int64_t> starts;  // first slot of each group, then the total slot count
  int64_t slots() const { return static_cast<int64_t>(ids.size()); }
};

// Packs rows X[order[i]] - mean (mean may be null); group g holds order[ends[g-1] .. ends[g]).
Packed pack_groups(const float* X, int d, const double* mean, const std::vector<int32_t>& order,
                   const std::vector<int64_t>& ends, int threads);

// k-nearest lists under construction, one per row. A row holds its k best candidates so
// far (unordered; empty entries are +max) followed by a stage; `bound` mirrors the largest
// of the k as a distance, so one vector compare rejects most candidates. Candidates that
// pass wait in the stage until it fills, then one selection over k + stage keeps the k
// best. (A max-heap replacement per candidate costs ~50 ns, seven dependent levels often
// out of cache, and a row streamed n candidates in random order replaces its top
// ~k ln(n/k) times; the selection touches each staged candidate a few times.)
class Lists {
 public:
  // `stage`: candidates a row holds before a selection (0: min(k, 64)); more means fewer
  // selections of k + stage keys, but a staler bound.
  Lists(int64_t rows, int k, int stage = 0);

  // Empties rows [0, rows), row r standing for slot first_slot + r of P; padding slots get
  // bound -1, so nothing passes.
  void clear(const Packed& P, int64_t first_slot, int64_t rows);

  // Empties one row.
  void reset(int64_t row);

  float* bound() { return bound_.data(); }

  void push(int64_t row, uint64_t key) {
    keys_[row * width_ + k_ + count_[row]] = key;
    if (++count_[row] == stage_) flush(row);
  }

  // Writes row's k best, sorted by (distance, index), to indices/distances + out * k;
  // throws if it holds fewer than k finite candidates.
  void write(int64_t row, int64_t out, int32_t* indices, float* distances);

 private:
  void flush(int64_t row);

  int k_, stage_, width_;
  std::vector<uint64_t> keys_;  // rows x (k + stage)
  std::vector<float> bound_;
  std::vector<int32_t> count_;
};

struct SlotRange {
  int64_t begin, end;  // multiples of kPanel
};

// Offers each pair (i in A, j in B) to the lists of both i and j (slot s is list row s);
// when A and B are the same range, each pair i < j once.
void join_symmetric(const Packed& P, SlotRange A, SlotRange B, Lists& lists);

// Offers each pair (i in A of R, j in B of C) to i's list only (slot s of R is list row
// s - base), skipping j == i when `exclude_self` (R and C hold the same points).
void join_one_sided(const Packed& R, SlotRange A, const Packed& C, SlotRange B, int64_t base,
                    Lists& lists, bool exclude_self);

// join_one_sided for the rows at slots[0 .. count) of R, in any order.
void join_gathered(const Packed& R, const int64_t* slots, int64_t count, const Packed& C,
                   SlotRange B, int64_t base, Lists& lists, bool exclude_self);

// join_symmetric over block pairs (a <= b), each worker taking the first pair in the
// given order whose blocks no other worker holds. Each row ends with the k best of a fixed
// candidate set under a total order, so the result does not depend on the schedule.
void join_block_pairs(const Packed& P, const std::vector<SlotRange>& blocks,
                      const std::vector<std::pair<int32_t, int32_t>>& pairs, Lists& lists,
                      int threads);

}  // namespace lookalike
