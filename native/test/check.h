/* The C++ test programs' harness (core_test.cpp, cuda_test.cpp): CHECK counts passes and prints each
 * failure with its location and a printf-style explanation; Rng is the core's SplitMix64 generator
 * (internal.h) with a per-program salt, so the tests draw streams apart from the core's own. */
#ifndef DEEPINSIDE_TEST_CHECK_H
#define DEEPINSIDE_TEST_CHECK_H

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "../src/internal.h"

namespace {

int passed = 0, failed = 0;

#define CHECK(cond, ...)                                                                                               \
  do {                                                                                                                 \
    if (cond) {                                                                                                        \
      ++passed;                                                                                                        \
    } else {                                                                                                           \
      ++failed;                                                                                                        \
      std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                                     \
      std::printf(__VA_ARGS__);                                                                                        \
      std::printf("\n");                                                                                               \
    }                                                                                                                  \
  } while (0)

template <uint64_t SALT> struct SaltedRng : di::SplitMix64 {
  explicit SaltedRng(uint64_t seed) : di::SplitMix64(seed * 0x9E3779B97F4A7C15ull + SALT) {}
  int below(int n) { return static_cast<int>(uniform() * n); }
  double normal() {
    const double u = uniform() + 1e-300, v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }
};

} // namespace

#endif
