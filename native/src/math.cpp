/*
 * Deterministic exp and log. libm differs between glibc, Apple's libm and musl (emscripten), and
 * the native and WebAssembly builds must agree bit for bit, so the core evaluates these itself
 * with IEEE-754 double +, -, *, / only (argument reduction as in fdlibm, then a fixed-order
 * polynomial). Both are within about 2 ulp of the true value.
 */
#include <cstring>
#include <limits>

#include "internal.h"

namespace {

double from_bits(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

uint64_t to_bits(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

/* 2^k for -1022 <= k <= 1023 */
double pow2(int k) { return from_bits(static_cast<uint64_t>(k + 1023) << 52); }

const double LN2_HI = 6.93147180369123816490e-01; /* 0x3fe62e42 fee00000: trailing zeros, k*LN2_HI exact */
const double LN2_LO = 1.90821492927058770002e-10;
const double INV_LN2 = 1.44269504088896338700e+00;

} // namespace

namespace di {

double det_exp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  /* x = k ln2 + r, |r| <= ln2/2 (round half up; any nearby k would do, this one is portable) */
  double kd = x * INV_LN2 + 0.5;
  int k = static_cast<int>(kd);
  if (static_cast<double>(k) > kd) --k; /* floor for negatives */
  const double r = (x - k * LN2_HI) - k * LN2_LO;
  /* Taylor series of e^r to degree 13: truncation < 5e-18 for |r| <= 0.347 */
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  if (k > 1023) return p * pow2(1023) * 2.0;
  if (k < -1022) return (p * pow2(k + 1000)) * pow2(-1000);
  return p * pow2(k);
}

double det_log(double x) {
  if (x != x) return x;
  if (x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  if (x < 2.2250738585072014e-308) { /* subnormal: scale into the normal range */
    x *= 18014398509481984.0;        /* 2^54 */
    e = -54;
  }
  const uint64_t b = to_bits(x);
  e += static_cast<int>((b >> 52) & 0x7ff) - 1023;
  double m = from_bits((b & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull); /* [1, 2) */
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  /* log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: series in z = s^2 to z^11 */
  const double s = (m - 1.0) / (m + 1.0);
  const double z = s * s;
  double p = 1.0 / 23.0;
  p = p * z + 1.0 / 21.0;
  p = p * z + 1.0 / 19.0;
  p = p * z + 1.0 / 17.0;
  p = p * z + 1.0 / 15.0;
  p = p * z + 1.0 / 13.0;
  p = p * z + 1.0 / 11.0;
  p = p * z + 1.0 / 9.0;
  p = p * z + 1.0 / 7.0;
  p = p * z + 1.0 / 5.0;
  p = p * z + 1.0 / 3.0;
  const double logm = 2.0 * s + 2.0 * s * (z * p);
  return e * LN2_HI + (logm + e * LN2_LO);
}

} // namespace di
