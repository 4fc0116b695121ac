/*
 * Internal declarations shared by the core's translation units (not part of the C ABI).
 *
 * Determinism: the native and WebAssembly builds must give bit-identical results, so the core
 * uses only IEEE-754 +, -, *, /, sqrt and comparisons in a fixed order, its own exp/log
 * (det_exp, det_log) instead of the platform's libm, and its own PRNG. Builds must not use
 * -ffast-math, and must not contract a*b+c into fused multiply-adds: clang (emscripten, Apple)
 * honours the pragma below; GCC needs -ffp-contract=off where the target has FMA (-march=native,
 * x86-64-v3, aarch64).
 */
#ifndef DEEPINSIDE_INTERNAL_H
#define DEEPINSIDE_INTERNAL_H

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <cstddef>
#include <cstdint>
#include <vector>

#include "deepinside.h"

namespace di {

/* ---- errors.cpp ---- */

/* Formats the thread's last-error message ("function: ...") and returns code. */
int fail(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Runs body() (which returns a DI code), turning any exception into an error code and message:
 * std::bad_alloc and std::length_error -> DI_E_MEMORY. Nothing escapes. */
template <class F> int guarded(const char *fn, F &&body) noexcept;

int memory_error(const char *fn) noexcept;
int internal_error(const char *fn, const char *what) noexcept;

/* Shared argument checks; each returns DI_OK or sets the message and returns the code. */
int check_image_size(const char *fn, int width, int height);
int check_count(const char *fn, const char *name, size_t n);

/* The grid max-flow's argument checks, after check_image_size (and the caller's own batch check):
   connectivity, NULL pointers, and finite, non-negative capacities of `batch` grids laid out one
   after another. `batched` names the grid and pixel of a bad value in the message. maxflow.cpp. */
int check_maxflow_args(const char *fn, int batch, bool batched, int width, int height, int connectivity,
                       const float *source_cap, const float *sink_cap, const float *edge_cap, const uint8_t *label,
                       const double *flow);

/* ---- math.cpp: deterministic elementary functions ---- */

double det_exp(double x); /* e^x, |error| < 2 ulp, same bits on every IEEE-754 platform */
double det_log(double x); /* natural log, x > 0 finite; -inf for 0, NaN for x < 0 */

/* splitmix64: small, fast, portable PRNG for k-means++ seeding. */
struct SplitMix64 {
  uint64_t state;
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /* uniform in [0, 1) with 53 random bits */
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

/* ---- gmm.cpp ---- */

/* Fits a K-component GMM to n AoS samples (x0 y0 z0 x1 ...): k-means++ seeding (deterministic in
 * seed), Lloyd rounds, maximum-likelihood fit of the hard assignment with `ridge` added to each
 * covariance's diagonal, then `iterations` rounds of most-likely-component assignment and refit.
 * Requires n >= 1, 1 <= k <= DI_MAX_COMPONENTS. Components that end up empty are dropped
 * (out.k may be < k). Throws std::bad_alloc. */
void gmm_fit(const float *samples, size_t n, int k, uint32_t seed, int iterations, double ridge, di_gmm &out);

/* Largest `iterations` di_gmm_fit accepts. */
#define DI_GMM_MAX_ITERATIONS 1000

/* Fills inv[c] and log_norm[c] from weight/cov (the covariance's symmetric part); false if it is
 * not positive definite. */
bool gmm_finish_component(di_gmm &g, int c);

/* Per-component sufficient statistics of a hard assignment: count, mean, and the centred scatter
 * sum (x-mu)(x-mu)^T as xx xy xz yy yz zz. */
struct GaussMoments {
  double n;
  double mean[3];
  double s[6];
};

/* The maximum-likelihood GMM of those statistics (weight n_c / total), with `ridge` added to each
 * covariance's diagonal. Components with n == 0 are dropped: remap[c] is the new index or -1, and
 * g.k the number kept. Returns false if a covariance is not positive definite. */
bool gmm_from_moments(const GaussMoments *m, int k, double total, double ridge, di_gmm &g, int *remap);

/* ---- maxflow.cpp ---- */

/* Grid-specialised Boykov-Kolmogorov max-flow, reusable for several solves on one grid size. */
class GridMaxflow {
public:
  /* Allocates for a width x height grid, connectivity 4 or 8 (throws std::bad_alloc). */
  GridMaxflow(int width, int height, int connectivity);
  ~GridMaxflow();
  GridMaxflow(const GridMaxflow &) = delete;
  GridMaxflow &operator=(const GridMaxflow &) = delete;
  /* Same inputs as di_maxflow_grid (already validated). label[p] = 1 on the source side (the set
   * of pixels reachable from the source in the final residual graph), 0 elsewhere; label is
   * written only after the flow is complete. Returns the flow value. */
  double solve(const float *source_cap, const float *sink_cap, const float *edge_cap, uint8_t *label);
  /* After a solve on this grid: the same n-links, new terminal capacities (prev_* are the ones of
   * the last solve or resolve). Reuses the last flow; gives the same minimal source set as a fresh
   * solve (up to rounding), but no flow value (it would be off by a constant). */
  void resolve(const float *source_cap, const float *sink_cap, const float *prev_source, const float *prev_sink,
               uint8_t *label);

  struct Impl;

private:
  Impl *impl_;
};

/* Capacity of the cut given by label (1 = source side) for the same inputs, in double. */
double cut_capacity(int width, int height, int connectivity, const float *source_cap, const float *sink_cap,
                    const float *edge_cap, const uint8_t *label);

/* ---- components.cpp ---- */

/* Labels the 8-connected components of the non-zero pixels; returns the component count, comp[p]
 * = 0 for background, 1.. for components in raster order of their first pixel. */
int32_t label_components(const uint8_t *mask, int width, int height, std::vector<int32_t> &comp,
                         std::vector<size_t> &sizes);

} // namespace di

/* ---- template definitions ---- */

#include <exception>
#include <new>
#include <stdexcept>

namespace di {
template <class F> int guarded(const char *fn, F &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return memory_error(fn);
  } catch (const std::length_error &) {
    return memory_error(fn);
  } catch (const std::exception &e) {
    return internal_error(fn, e.what());
  } catch (...) {
    return internal_error(fn, "unknown exception");
  }
}
} // namespace di

#endif
