// Lane permutations of v16 vectors with compile-time patterns (one vpermt2ps each on
// AVX-512): a 16 x 16 transpose, and the change between four interleaved values per
// node and one vector per value.
#pragma once
#include <utility>

#include "simd.h"

namespace lookalike {
namespace shuffle_detail {

template <typename Pattern, size_t... L>
inline v16 apply(v16 a, v16 b, std::index_sequence<L...>) {
  return __builtin_shufflevector(a, b, Pattern::at(L)...);  // index >= 16 picks from b
}
template <typename Pattern>
inline v16 shuffle(v16 a, v16 b) {
  return apply<Pattern>(a, b, std::make_index_sequence<16>{});
}

// Swapping the off-diagonal K x K blocks of every 2K x 2K block, rows i and i + K.
template <int K>
struct SwapLow {
  static constexpr int at(int L) { return L % (2 * K) < K ? L : 16 + L - K; }
};
template <int K>
struct SwapHigh {
  static constexpr int at(int L) { return L % (2 * K) < K ? L + K : 16 + L; }
};
template <int K>
inline void swap_blocks(v16* r) {
  for (int i = 0; i < 16; ++i)
    if (!(i & K)) {
      const v16 a = r[i], b = r[i + K];
      r[i] = shuffle<SwapLow<K>>(a, b);
      r[i + K] = shuffle<SwapHigh<K>>(a, b);
    }
}

// Value C of the 8 nodes in (a, b), four values per node, into lanes 0..7 (and 8..15).
template <int C>
struct Pick {
  static constexpr int at(int L) { return 4 * (L % 8) + C; }
};
struct Halves {
  static constexpr int at(int L) { return L < 8 ? L : 16 + L - 8; }
};
// Nodes 8H..8H+7 of two value vectors, as pairs.
template <int H>
struct Pairs {
  static constexpr int at(int L) { return (L % 2) * 16 + 8 * H + L / 2; }
};
// Nodes 4S..4S+3 from the pairs of values (0, 1) in a and (2, 3) in b.
template <int S>
struct Quads {
  static constexpr int at(int L) { return (L % 4 < 2 ? 0 : 16) + 8 * S + 2 * (L / 4) + L % 2; }
};

}  // namespace shuffle_detail

// r[j][l] <- r[l][j].
inline void transpose16(v16* r) {
  using namespace shuffle_detail;
  swap_blocks<8>(r);
  swap_blocks<4>(r);
  swap_blocks<2>(r);
  swap_blocks<1>(r);
}

// 16 nodes of 4 interleaved values (in[k] holds nodes 4k..4k+3) -> out[c][l] = value c of node l.
inline void deinterleave4(const v16* in, v16* out) {
  using namespace shuffle_detail;
  out[0] = shuffle<Halves>(shuffle<Pick<0>>(in[0], in[1]), shuffle<Pick<0>>(in[2], in[3]));
  out[1] = shuffle<Halves>(shuffle<Pick<1>>(in[0], in[1]), shuffle<Pick<1>>(in[2], in[3]));
  out[2] = shuffle<Halves>(shuffle<Pick<2>>(in[0], in[1]), shuffle<Pick<2>>(in[2], in[3]));
  out[3] = shuffle<Halves>(shuffle<Pick<3>>(in[0], in[1]), shuffle<Pick<3>>(in[2], in[3]));
}

// The inverse of deinterleave4.
inline void interleave4(const v16* in, v16* out) {
  using namespace shuffle_detail;
  const v16 a0 = shuffle<Pairs<0>>(in[0], in[1]), b0 = shuffle<Pairs<0>>(in[2], in[3]);
  const v16 a1 = shuffle<Pairs<1>>(in[0], in[1]), b1 = shuffle<Pairs<1>>(in[2], in[3]);
  out[0] = shuffle<Quads<0>>(a0, b0);
  out[1] = shuffle<Quads<1>>(a0, b0);
  out[2] = shuffle<Quads<0>>(a1, b1);
  out[3] = shuffle<Quads<1>>(a1, b1);
}

}  // namespace lookalike
