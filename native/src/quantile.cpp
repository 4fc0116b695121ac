/*
 * Quantiles of a saliency map: the thresholds that pick the foreground (95%) and background (30%)
 * seeds. numpy's default ("linear") definition: with the values sorted, h = (n-1) q and the result
 * is x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). Two nth_element selections on a
 * copy, O(n); the result depends only on the order statistics, so it is the same everywhere.
 */
#include <algorithm>
#include <cmath>

#include "internal.h"

namespace {

int quantile(const float *map, size_t n, double q, float *out) {
  const char *fn = "di_quantile";
  if (!map) return di::fail(DI_E_ARGUMENT, "%s: map is NULL", fn);
  if (!out) return di::fail(DI_E_ARGUMENT, "%s: out is NULL", fn);
  if (int rc = di::check_count(fn, "n", n)) return rc;
  if (!(q >= 0.0 && q <= 1.0)) return di::fail(DI_E_ARGUMENT, "%s: q must be in [0, 1], got %g", fn, q);
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(map[i])) return di::fail(DI_E_VALUE, "%s: map[%zu] is %g, not finite", fn, i, map[i]);

  std::vector<float> v(map, map + n);
  const double h = static_cast<double>(n - 1) * q;
  size_t lo = static_cast<size_t>(h); /* floor: h >= 0 */
  if (lo > n - 1) lo = n - 1;
  const double t = h - static_cast<double>(lo);
  std::nth_element(v.begin(), v.begin() + lo, v.end());
  const double a = v[lo];
  double r = a;
  if (t > 0.0 && lo + 1 < n) {
    const double b = *std::min_element(v.begin() + lo + 1, v.end());
    r = a + t * (b - a);
  }
  float f = static_cast<float>(r);
  if (f == 0.0f) f = 0.0f; /* one zero: -0 and +0 may be either order statistic */
  *out = f;
  return DI_OK;
}

} // namespace

extern "C" int di_quantile(const float *map, size_t n, double q, float *out) {
  return di::guarded("di_quantile", [&] { return quantile(map, n, q, out); });
}
