#include "knn_join.h"

#include <algorithm>
#include <condition_variable>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>

#include "lookalike/parallel.h"
#include "lookalike/status.h"
#include "simd.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace lookalike {
namespace {

constexpr int kRows = 8;                // rows of a register tile: 8 x 3 accumulators
constexpr int kVectors = kPanel / 16;
constexpr float kEmpty = FLT_MAX;       // distance of a list entry not yet filled
constexpr int32_t kNoIndex = INT32_MAX;

// Lanes where a <= b, as a bit mask: one compare with AVX-512, where the generic loop
// compiles to a dozen shuffles (it runs 48 times per tile).
inline unsigned le_mask(v16 a, v16 b) {
#if defined(__AVX512F__)
  return _mm512_cmp_ps_mask((__m512)a, (__m512)b, _CMP_LE_OQ);
#else
  unsigned m = 0;
  for (int l = 0; l < 16; ++l) m |= static_cast<unsigned>(a[l] <= b[l]) << l;
  return m;
#endif
}

// All lanes x. (simd.h's splat16 adds x to +0, which costs an extra scalar add, since
// -0 + 0 is +0; here it would sit on every multiply of the tile.)
inline v16 broadcast(float x) { return v16{x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

// (distance, index) as one integer that orders like the pair: non-negative floats order
// like their bit patterns.
inline uint64_t key(float d, int32_t j) {
  uint32_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return static_cast<uint64_t>(bits) << 32 | static_cast<uint32_t>(j);
}

inline float distance_of(uint64_t key) {
  const uint32_t bits = static_cast<uint32_t>(key >> 32);
  float d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// All lanes l of a diagonal tile's vector v whose column 16v + l comes after row `offset`.
inline unsigned after(int offset, int v) {
  const int t = offset - 16 * v;
  if (t < 0) return 0xFFFFu;
  if (t >= 15) return 0u;
  return (0xFFFFu << (t + 1)) & 0xFFFFu;
}

// Clamps rounding below zero to +0 (not -0, whose bits would order last).
inline float positive(float d) { return d > 0.0f ? d : 0.0f; }

const float* panel_at(const Packed& P, int64_t slot) {
  return P.data.data() + slot / kPanel * P.d * kPanel + slot % kPanel;
}

// acc[r][v] = dot products of the 8 points whose coordinates start at rows[r] (stride
// kPanel) with the 48 points of the column panel `cols`.
inline void dot_tile(const float* const rows[kRows], const float* cols, int d,
                     v16 acc[kRows][kVectors]) {
  for (int r = 0; r < kRows; ++r)
    for (int v = 0; v < kVectors; ++v) acc[r][v] = v16{};
  for (int64_t p = 0; p < d; ++p, cols += kPanel) {
    v16 b[kVectors];
    for (int v = 0; v < kVectors; ++v) b[v] = load16(cols + v * 16);
    for (int r = 0; r < kRows; ++r) {
      const v16 s = broadcast(rows[r][p * kPanel]);
      for (int v = 0; v < kVectors; ++v) acc[r][v] += s * b[v];
    }
  }
}

// One 8 x 48 tile: rows at slots[0 .. count) of R (slots beyond `count` repeat a valid
// one and are ignored) against columns at slots cs.. of C, offered to the rows' lists
// and, for symmetric tiles (R == C), the columns' (slot s is list row s - base). A
// diagonal tile keeps only column > row.
template <bool kSymmetric>
void tile(const Packed& R, const int64_t slots[kRows], int count, const Packed& C, int64_t cs,
          int64_t base, bool diagonal, bool exclude_self, Lists& lists) {
  const float* rows[kRows];
  for (int r = 0; r < kRows; ++r) rows[r] = panel_at(R, slots[r]);
  v16 acc[kRows][kVectors];
  dot_tile(rows, panel_at(C, cs), R.d, acc);
  const float* bound = lists.bound();
  v16 nc[kVectors], bc[kVectors];
  for (int v = 0; v < kVectors; ++v) {
    nc[v] = load16(C.norms.data() + cs + v * 16);
    if (kSymmetric) bc[v] = load16(bound + cs - base + v * 16);
  }
  for (int r = 0; r < count; ++r) {
    const int64_t row = slots[r];
    const v16 nr = broadcast(R.norms[row]), br = broadcast(bound[row - base]);
    for (int v = 0; v < kVectors; ++v) {
      const v16 dist = nr + nc[v] - 2.0f * acc[r][v];
      unsigned mr = le_mask(dist, br), mc = kSymmetric ? le_mask(dist, bc[v]) : 0u;
      if (diagonal) {
        const unsigned keep = after(static_cast<int>(row % kPanel), v);
        mr &= keep;
        mc &= keep;
      }
      if ((mr | mc) == 0) continue;
      float out[16];
      store16(out, dist);
      const int64_t c0 = cs + v * 16;
      const int32_t id = R.ids[row];
      for (; mr; mr &= mr - 1) {
        const int l = __builtin_ctz(mr);
        const int32_t j = C.ids[c0 + l];
        if (!exclude_self || j != id) lists.push(row - base, key(positive(out[l]), j));
      }
      for (; mc; mc &= mc - 1) {
        const int l = __builtin_ctz(mc);
        lists.push(c0 + l - base, key(positive(out[l]), id));
      }
    }
  }
}

// Slots rs .. rs + 7.
struct Consecutive {
  int64_t slots[kRows];
  explicit Consecutive(int64_t rs) {
    for (int r = 0; r < kRows; ++r) slots[r] = rs + r;
  }
};

}  // namespace

void check_knn_arguments(const char* what, int64_t n, int d, int k) {
  if (n < 2 || n > INT32_MAX || d < 1 || k < 1 || k >= n)
    throw KernelError("BAD_ARGUMENT", std::string(what) + ": need 2 <= n < 2^31, d >= 1 and 1 <= k < n");
}

Packed pack_groups(const float* X, int d, const double* mean, const std::vector<int32_t>& order,
                   const std::vector<int64_t>& ends, int threads) {
  Packed P;
  P.d = d;
  int64_t slot = 0, first = 0;
  for (int64_t end : ends) {
    P.starts.push_back(slot);
    slot += (end - first + kPanel - 1) / kPanel * kPanel;
    first = end;
  }
  P.starts.push_back(slot);
  P.ids.assign(slot, -1);
  first = 0;
  for (size_t g = 0; g < ends.size(); ++g) {
    std::copy(order.begin() + first, order.begin() + ends[g], P.ids.begin() + P.starts[g]);
    first = ends[g];
  }
  P.data.assign(static_cast<size_t>(slot) * d, 0.0f);
  P.norms.assign(slot, 0.0f);
  std::vector<float> shift(d, 0.0f);
  if (mean)
    for (int p = 0; p < d; ++p) shift[p] = static_cast<float>(mean[p]);
  parallel_for(slot / kPanel, threads, [&](int64_t begin, int64_t end, int) {
    for (int64_t panel = begin; panel < end; ++panel) {
      float* out = P.data.data() + panel * d * kPanel;
      for (int c = 0; c < kPanel; ++c) {
        const int64_t s = panel * kPanel + c;
        if (P.ids[s] < 0) {
          P.norms[s] = INFINITY;
          continue;
        }
        const float* x = X + static_cast<int64_t>(P.ids[s]) * d;
        float norm = 0;
        for (int p = 0; p < d; ++p) {
          const float value = x[p] - shift[p];
          out[p * kPanel + c] = value;
          norm += value * value;
        }
        P.norms[s] = norm;
      }
    }
  });
  return P;
}

Lists::Lists(int64_t rows, int k, int stage)
    : k_(k), stage_(stage > 0 ? stage : std::min(k, 64)), width_(k + stage_),
      keys_(static_cast<size_t>(rows) * width_), bound_(rows), count_(rows) {}

void Lists::clear(const Packed& P, int64_t first_slot, int64_t rows) {
  for (int64_t row = 0; row < rows; ++row) {
    reset(row);
    if (P.ids[first_slot + row] < 0) bound_[row] = -1.0f;
  }
}

void Lists::reset(int64_t row) {
  bound_[row] = kEmpty;
  count_[row] = 0;
  std::fill_n(keys_.begin() + row * width_, k_, key(kEmpty, kNoIndex));
}

void Lists::flush(int64_t row) {
  uint64_t* keys = keys_.data() + row * width_;
  std::nth_element(keys, keys + (k_ - 1), keys + k_ + count_[row]);
  count_[row] = 0;
  bound_[row] = distance_of(keys[k_ - 1]);
}

void Lists::write(int64_t row, int64_t out, int32_t* indices, float* distances) {
  uint64_t* keys = keys_.data() + row * width_;
  std::nth_element(keys, keys + (k_ - 1), keys + k_ + count_[row]);
  std::sort(keys, keys + k_);
  count_[row] = 0;
  if (static_cast<int32_t>(keys[k_ - 1] & 0xFFFFFFFFu) == kNoIndex)
    throw KernelError("KERNEL_FAILED", "squared distances overflow float; scale the input down");
  for (int j = 0; j < k_; ++j) {
    distances[out * k_ + j] = distance_of(keys[j]);
    indices[out * k_ + j] = static_cast<int32_t>(keys[j] & 0xFFFFFFFFu);
  }
}

void join_symmetric(const Packed& P, SlotRange A, SlotRange B, Lists& lists) {
  const bool same = A.begin == B.begin;
  for (int64_t rp = A.begin; rp < A.end; rp += kPanel)
    for (int64_t cs = same ? rp : B.begin; cs < B.end; cs += kPanel)
      for (int64_t rs = rp; rs < rp + kPanel; rs += kRows)
        tile<true>(P, Consecutive(rs).slots, kRows, P, cs, 0, same && cs == rp, false, lists);
}

void join_one_sided(const Packed& R, SlotRange A, const Packed& C, SlotRange B, int64_t base,
                    Lists& lists, bool exclude_self) {
  for (int64_t rp = A.begin; rp < A.end; rp += kPanel)
    for (int64_t cs = B.begin; cs < B.end; cs += kPanel)
      for (int64_t rs = rp; rs < rp + kPanel; rs += kRows)
        tile<false>(R, Consecutive(rs).slots, kRows, C, cs, base, false, exclude_self, lists);
}

void join_gathered(const Packed& R, const int64_t* slots, int64_t count, const Packed& C,
                   SlotRange B, int64_t base, Lists& lists, bool exclude_self) {
  for (int64_t g = 0; g < count; g += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, count - g));
    int64_t group[kRows];
    for (int r = 0; r < kRows; ++r) group[r] = slots[g + std::min(r, rows - 1)];
    for (int64_t cs = B.begin; cs < B.end; cs += kPanel)
      tile<false>(R, group, rows, C, cs, base, false, exclude_self, lists);
  }
}

void join_block_pairs(const Packed& P, const std::vector<SlotRange>& blocks,
                      const std::vector<std::pair<int32_t, int32_t>>& pairs, Lists& lists,
                      int threads) {
  std::mutex mutex;
  std::condition_variable freed;
  std::vector<char> busy(blocks.size(), 0), taken(pairs.size(), 0);
  size_t first = 0;  // every pair before this one is taken
  parallel_for(threads, threads, [&](int64_t, int64_t, int) {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      while (first < pairs.size() && taken[first]) ++first;
      if (first == pairs.size()) return;
      // The first pair, in the given order, whose blocks no other worker holds.
      size_t t = first;
      for (; t < pairs.size(); ++t)
        if (!taken[t] && !busy[pairs[t].first] && !busy[pairs[t].second]) break;
      if (t == pairs.size()) {
        freed.wait(lock);
        continue;
      }
      const auto [a, b] = pairs[t];
      taken[t] = busy[a] = busy[b] = 1;
      lock.unlock();
      join_symmetric(P, blocks[a], blocks[b], lists);
      lock.lock();
      busy[a] = busy[b] = 0;
      freed.notify_all();
    }
  });
}

}  // namespace lookalike
