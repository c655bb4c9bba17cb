// Portable SIMD through GCC/Clang vector extensions: 16 floats, which the compiler maps
// to one AVX-512 register, two AVX ones or four SSE ones as the target allows.
#pragma once
#include <cstring>

namespace lookalike {

typedef float v16 __attribute__((vector_size(64)));

inline v16 load16(const float* p) {
  v16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store16(float* p, v16 v) { std::memcpy(p, &v, sizeof v); }
inline v16 splat16(float x) { return v16{} + x; }

}  // namespace lookalike
