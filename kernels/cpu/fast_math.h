// Vectorisable float approximations for hot loops where libm's scalar calls dominate.
#pragma once
#include <cstdint>
#include <cstring>

namespace lookalike {

// Natural logarithm of x > 0 (normal floats), relative error below 1e-7: x = m * 2^e with
// m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
inline float fast_log(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  // Shift the exponent boundary from 1 to sqrt(1/2) so m lands in [sqrt(1/2), sqrt(2)).
  const uint32_t shifted = bits - 0x3f3504f3u;
  const int32_t e = static_cast<int32_t>(shifted) >> 23;
  const uint32_t mbits = (shifted & 0x007fffffu) + 0x3f3504f3u;
  float m;
  std::memcpy(&m, &mbits, sizeof m);
  const float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  const float series = 2.0f * s * (1.0f + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9)))));
  return static_cast<float>(e) * 0.69314718f + series;
}

// e^x for x <= 0, relative error below 2e-7; 0 below -87 (where float underflows):
// x = k ln2 + r with |r| <= ln2 / 2, e^r by its Taylor polynomial, 2^k through the exponent bits.
inline float fast_exp_neg(float x) {
  if (x < -87.0f) return 0.0f;
  const float kf = __builtin_floorf(x * 1.44269504f + 0.5f);
  const float r = x - kf * 0.693145752f - kf * 1.42860677e-6f;  // ln2 split for an exact kf * hi
  const float p =
      1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
  const uint32_t bits = static_cast<uint32_t>(static_cast<int32_t>(kf) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace lookalike
