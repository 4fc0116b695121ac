/*
 * Gaussian mixture colour models, as GrabCut uses them.
 *
 *   1. k-means++ seeding: the first centre is a uniform pick, each further one is drawn with
 *      probability proportional to the squared distance to the nearest centre so far. The draws
 *      come from splitmix64 seeded with `seed`, so the result is the same on every platform.
 *   2. Lloyd rounds (at most 10, as OpenCV's grabCut runs kmeans) until no sample moves; with more
 *      than 32768 samples, steps 1-2 run on an even stride of them, then every sample goes to
 *      its nearest centre.
 *   3. Maximum-likelihood fit of that hard assignment: weight n_c/n, mean, covariance
 *      (1/n_c) sum (x-mu)(x-mu)^T, plus a ridge on the diagonal that keeps it invertible.
 *   4. `iterations` rounds of GrabCut's hard EM: each sample goes to its most likely component,
 *      then step 3 again; stops early once no sample moves.
 *
 * The ridge makes step 3 the exact minimiser of sum_i D(x_i, k_i) with the per-sample score
 *   D(x, c) = -log w_c + 0.5 log det S_c + 1.5 log 2pi + 0.5 (x-mu_c)^T S_c^-1 (x-mu_c)
 *             + 0.5 ridge tr(S_c^-1),
 * (the expected negative log-likelihood of x blurred by isotropic noise of variance `ridge`), and
 * step 4 assigns by that same score, so every round lowers the objective: the property GrabCut's
 * energy guarantee rests on. Components that no sample chooses are dropped; k-means clusters
 * that empty are re-seeded with the sample farthest from its centre (first in sample order), or
 * dropped when every sample sits on a centre.
 */
#include <cmath>
#include <cstring>

#include "internal.h"

namespace {

const double LOG_2PI = 1.8378770664093454836;
const int LLOYD_ROUNDS = 10;
const size_t KMEANS_SAMPLES = 1 << 15; /* k-means runs on at most this many samples */

/* k-means runs in float on structure-of-arrays copies of the samples, scaled by a power of two
 * (exact) so that max |x| < 1 and squared distances can neither overflow nor lose range. */
struct Scaled {
  std::vector<float> x[3];
  size_t n = 0;
};

/* Every stride-th sample, scaled. */
void scale_samples(const float *samples, size_t n, size_t stride, Scaled &s) {
  float mx = 0.0f;
  for (size_t i = 0; i < 3 * n; ++i) {
    const float a = std::fabs(samples[i]);
    if (a > mx) mx = a;
  }
  int e = 0;
  if (mx > 0.0f) std::frexp(mx, &e); /* mx = f 2^e, 0.5 <= f < 1 */
  if (e < -126) e = -126;              /* 2^-e must stay finite in float (found by the fuzzer) */
  const float scale = std::ldexp(1.0f, -e);
  s.n = (n + stride - 1) / stride;
  for (int j = 0; j < 3; ++j) {
    s.x[j].resize(s.n);
    for (size_t i = 0; i < s.n; ++i) s.x[j][i] = samples[3 * i * stride + j] * scale;
  }
}

const size_t BLOCK = 256;

/* Nearest centre (first on ties) and its squared distance for the `count` samples of a block. */
template <size_t LEN>
inline void nearest_block(const float (*c)[3], int k, const float *__restrict x0, const float *__restrict x1,
                          const float *__restrict x2, float *__restrict d_out, uint8_t *__restrict a_out,
                          size_t len) {
  const size_t count = LEN ? LEN : len;
  float best[BLOCK];
  int32_t arg[BLOCK];
  for (int m = 0; m < k; ++m) {
    const float c0 = c[m][0], c1 = c[m][1], c2 = c[m][2];
    if (m == 0) {
      for (size_t p = 0; p < count; ++p) {
        const float a = x0[p] - c0, b = x1[p] - c1, d = x2[p] - c2;
        best[p] = a * a + b * b + d * d;
        arg[p] = 0;
      }
    } else {
      for (size_t p = 0; p < count; ++p) {
        const float a = x0[p] - c0, b = x1[p] - c1, d = x2[p] - c2;
        const float v = a * a + b * b + d * d;
        const int32_t lt = -static_cast<int32_t>(v < best[p]);
        arg[p] = (arg[p] & ~lt) | (m & lt);
        best[p] = v < best[p] ? v : best[p];
      }
    }
  }
  for (size_t p = 0; p < count; ++p) {
    d_out[p] = best[p];
    a_out[p] = static_cast<uint8_t>(arg[p]);
  }
}

void nearest(const Scaled &s, const float (*c)[3], int k, float *d2, uint8_t *assign) {
  size_t i = 0;
  const float *x0 = s.x[0].data(), *x1 = s.x[1].data(), *x2 = s.x[2].data();
  for (; i + BLOCK <= s.n; i += BLOCK) nearest_block<BLOCK>(c, k, x0 + i, x1 + i, x2 + i, d2 + i, assign + i, BLOCK);
  if (i < s.n) nearest_block<0>(c, k, x0 + i, x1 + i, x2 + i, d2 + i, assign + i, s.n - i);
}

/* k-means++ seeding; returns the number of centres chosen (< k when there are fewer distinct
 * samples than k). */
int seed_centres(const Scaled &s, int k, di::SplitMix64 &rng, float (*centre)[3], std::vector<float> &d2) {
  const size_t n = s.n;
  size_t first = static_cast<size_t>(rng.uniform() * static_cast<double>(n));
  if (first >= n) first = n - 1;
  for (int j = 0; j < 3; ++j) centre[0][j] = s.x[j][first];
  d2.resize(n);
  std::vector<uint8_t> unused(n);
  nearest(s, centre, 1, d2.data(), unused.data());
  int m = 1;
  while (m < k) {
    double total = 0.0;
    for (size_t i = 0; i < n; ++i) total += d2[i];
    if (!(total > 0.0)) break;
    const double target = rng.uniform() * total;
    double cum = 0.0;
    size_t pick = n;
    size_t last_positive = 0;
    for (size_t i = 0; i < n; ++i) {
      if (d2[i] > 0.0f) last_positive = i;
      cum += d2[i];
      if (cum > target && d2[i] > 0.0f) {
        pick = i;
        break;
      }
    }
    if (pick == n) pick = last_positive; /* rounding left target at the very end */
    for (int j = 0; j < 3; ++j) centre[m][j] = s.x[j][pick];
    const float c0 = centre[m][0], c1 = centre[m][1], c2 = centre[m][2];
    const float *x0 = s.x[0].data(), *x1 = s.x[1].data(), *x2 = s.x[2].data();
    float *dd = d2.data();
    for (size_t i = 0; i < n; ++i) {
      const float a = x0[i] - c0, b = x1[i] - c1, d = x2[i] - c2;
      const float v = a * a + b * b + d * d;
      dd[i] = v < dd[i] ? v : dd[i];
    }
    ++m;
  }
  return m;
}

/* Removes the components whose count is zero, keeping order; remaps assign. Returns the new k. */
int compact(float (*centre)[3], const size_t *count, int k, std::vector<uint8_t> &assign) {
  int remap[DI_MAX_COMPONENTS];
  int m = 0;
  for (int c = 0; c < k; ++c) {
    if (count[c] == 0) {
      remap[c] = -1;
      continue;
    }
    remap[c] = m;
    if (m != c)
      for (int j = 0; j < 3; ++j) centre[m][j] = centre[c][j];
    ++m;
  }
  if (m != k)
    for (auto &a : assign) a = static_cast<uint8_t>(remap[a]);
  return m;
}

/* Lloyd's k-means from the seeded centres; leaves the assignment in `assign`, returns k. */
int lloyd(const Scaled &s, int k, float (*centre)[3], std::vector<uint8_t> &assign, std::vector<float> &d2) {
  const size_t n = s.n;
  std::vector<uint8_t> next(n);
  assign.assign(n, 0);
  for (int round = 0; round < LLOYD_ROUNDS; ++round) {
    nearest(s, centre, k, d2.data(), next.data());
    const bool changed = next != assign;
    assign.swap(next);
    if (round > 0 && !changed) break;
    /* new centres; an empty cluster takes the sample farthest from its centre */
    double sum[DI_MAX_COMPONENTS][3] = {};
    size_t count[DI_MAX_COMPONENTS] = {};
    for (size_t i = 0; i < n; ++i) {
      const int c = assign[i];
      ++count[c];
      for (int j = 0; j < 3; ++j) sum[c][j] += s.x[j][i];
    }
    bool dropped = false;
    for (int c = 0; c < k; ++c) {
      if (count[c] > 0) {
        for (int j = 0; j < 3; ++j) centre[c][j] = static_cast<float>(sum[c][j] / static_cast<double>(count[c]));
        continue;
      }
      size_t far = 0;
      float fd = -1.0f;
      for (size_t i = 0; i < n; ++i)
        if (d2[i] > fd) {
          fd = d2[i];
          far = i;
        }
      if (fd > 0.0f) {
        for (int j = 0; j < 3; ++j) centre[c][j] = s.x[j][far];
        d2[far] = 0.0f; /* taken */
        --count[assign[far]];
        assign[far] = static_cast<uint8_t>(c);
        count[c] = 1;
      } else {
        dropped = true;
      }
    }
    if (dropped) k = compact(centre, count, k, assign);
  }
  return k;
}

/* ML fit (plus ridge) of a hard assignment in two passes; drops components nobody chose and
 * remaps assign. Returns false if a covariance failed to be positive definite (cannot happen
 * with a positive ridge and finite data, but checked). */
bool fit_assignment(const float *x, size_t n, int k, std::vector<uint8_t> &assign, double ridge, di_gmm &g) {
  di::GaussMoments mom[DI_MAX_COMPONENTS];
  std::memset(mom, 0, sizeof mom);
  for (size_t i = 0; i < n; ++i) {
    di::GaussMoments &m = mom[assign[i]];
    m.n += 1.0;
    for (int j = 0; j < 3; ++j) m.mean[j] += x[3 * i + j];
  }
  for (int c = 0; c < k; ++c)
    if (mom[c].n > 0)
      for (int j = 0; j < 3; ++j) mom[c].mean[j] /= mom[c].n;
  for (size_t i = 0; i < n; ++i) {
    di::GaussMoments &m = mom[assign[i]];
    const double a = x[3 * i] - m.mean[0], b = x[3 * i + 1] - m.mean[1], d = x[3 * i + 2] - m.mean[2];
    m.s[0] += a * a;
    m.s[1] += a * b;
    m.s[2] += a * d;
    m.s[3] += b * b;
    m.s[4] += b * d;
    m.s[5] += d * d;
  }
  int remap[DI_MAX_COMPONENTS];
  const bool ok = di::gmm_from_moments(mom, k, static_cast<double>(n), ridge, g, remap);
  if (g.k != k)
    for (auto &a : assign) a = static_cast<uint8_t>(remap[a]);
  return ok;
}

/* Most likely component of each sample under the ridge-consistent score; true if any moved. */
bool assign_components(const float *x, size_t n, const di_gmm &g, double ridge, std::vector<uint8_t> &assign) {
  double cst[DI_MAX_COMPONENTS];
  for (int c = 0; c < g.k; ++c) {
    const double *v = g.inv[c];
    cst[c] = -g.log_norm[c] + 0.5 * ridge * (v[0] + v[4] + v[8]);
  }
  bool changed = false;
  for (size_t i = 0; i < n; ++i) {
    int best = 0;
    double bs = 0.0;
    for (int c = 0; c < g.k; ++c) {
      const double *mu = g.mean[c], *v = g.inv[c];
      const double a = x[3 * i] - mu[0], b = x[3 * i + 1] - mu[1], d = x[3 * i + 2] - mu[2];
      const double q = a * (v[0] * a + v[1] * b + v[2] * d) + b * (v[3] * a + v[4] * b + v[5] * d) +
                       d * (v[6] * a + v[7] * b + v[8] * d);
      const double s = cst[c] + 0.5 * q;
      if (c == 0 || s < bs) {
        bs = s;
        best = c;
      }
    }
    if (assign[i] != best) {
      assign[i] = static_cast<uint8_t>(best);
      changed = true;
    }
  }
  return changed;
}

} // namespace

namespace di {

bool gmm_finish_component(di_gmm &g, int c) {
  const double *s = g.cov[c];
  const double a = s[0], b = 0.5 * (s[1] + s[3]), d = 0.5 * (s[2] + s[6]);
  const double e = s[4], f = 0.5 * (s[5] + s[7]), i = s[8];
  /* positive definite iff the leading minors are positive */
  const double m2 = a * e - b * b;
  const double c00 = e * i - f * f, c01 = d * f - b * i, c02 = b * f - d * e;
  const double det = a * c00 + b * c01 + d * c02;
  if (!(a > 0.0) || !(m2 > 0.0) || !(det > 0.0) || !std::isfinite(det)) return false;
  const double c11 = a * i - d * d, c12 = b * d - a * f, c22 = m2;
  const double r = 1.0 / det;
  double *v = g.inv[c];
  v[0] = c00 * r;
  v[1] = c01 * r;
  v[2] = c02 * r;
  v[3] = c01 * r;
  v[4] = c11 * r;
  v[5] = c12 * r;
  v[6] = c02 * r;
  v[7] = c12 * r;
  v[8] = c22 * r;
  /* a subnormal determinant passes as positive, but 1/det overflows (found by the fuzzer) */
  for (int j = 0; j < 9; ++j)
    if (!std::isfinite(v[j])) return false;
  g.log_norm[c] = det_log(g.weight[c]) - 0.5 * det_log(det) - 1.5 * LOG_2PI;
  return true;
}

bool gmm_from_moments(const GaussMoments *mom, int k, double total, double ridge, di_gmm &g, int *remap) {
  std::memset(&g, 0, sizeof g);
  int m = 0;
  bool ok = true;
  for (int c = 0; c < k; ++c) {
    if (!(mom[c].n > 0.0)) {
      remap[c] = -1;
      continue;
    }
    remap[c] = m;
    const double inv_n = 1.0 / mom[c].n;
    g.weight[m] = mom[c].n / total;
    for (int j = 0; j < 3; ++j) g.mean[m][j] = mom[c].mean[j];
    const double *s = mom[c].s;
    double *v = g.cov[m];
    v[0] = s[0] * inv_n + ridge;
    v[1] = v[3] = s[1] * inv_n;
    v[2] = v[6] = s[2] * inv_n;
    v[4] = s[3] * inv_n + ridge;
    v[5] = v[7] = s[4] * inv_n;
    v[8] = s[5] * inv_n + ridge;
    ok = gmm_finish_component(g, m) && ok;
    ++m;
  }
  g.k = m;
  return ok;
}

void gmm_fit(const float *x, size_t n, int k, uint32_t seed, int iterations, double ridge, di_gmm &out) {
  SplitMix64 rng(0x6A09E667F3BCC909ull ^ static_cast<uint64_t>(seed));
  float centre[DI_MAX_COMPONENTS][3];
  std::vector<float> d2;
  std::vector<uint8_t> assign;
  {
    /* seeding and Lloyd on at most KMEANS_SAMPLES evenly strided samples, then every sample goes
     * to its nearest centre */
    const size_t stride = (n + KMEANS_SAMPLES - 1) / KMEANS_SAMPLES;
    Scaled all;
    scale_samples(x, n, 1, all);
    if (stride > 1) {
      Scaled sub;
      scale_samples(x, n, stride, sub);
      k = seed_centres(sub, k, rng, centre, d2);
      k = lloyd(sub, k, centre, assign, d2);
    } else {
      k = seed_centres(all, k, rng, centre, d2);
      k = lloyd(all, k, centre, assign, d2);
    }
    d2.resize(n);
    assign.resize(n);
    nearest(all, centre, k, d2.data(), assign.data());
  }
  fit_assignment(x, n, k, assign, ridge, out);
  for (int it = 0; it < iterations; ++it) {
    if (!assign_components(x, n, out, ridge, assign)) break;
    fit_assignment(x, n, out.k, assign, ridge, out);
  }
}

} // namespace di

namespace {

int check_samples(const char *fn, const float *samples, size_t n) {
  for (size_t i = 0; i < 3 * n; ++i)
    if (!std::isfinite(samples[i]))
      return di::fail(DI_E_VALUE, "%s: samples[%zu] (sample %zu, channel %zu) is %g, not finite", fn, i, i / 3, i % 3,
                      samples[i]);
  return DI_OK;
}

int gmm_fit_checked(const float *samples, size_t n, int k, uint32_t seed, int iterations, di_gmm *out) {
  const char *fn = "di_gmm_fit";
  if (!samples) return di::fail(DI_E_ARGUMENT, "%s: samples is NULL", fn);
  if (!out) return di::fail(DI_E_ARGUMENT, "%s: out is NULL", fn);
  if (int rc = di::check_count(fn, "n", n)) return rc;
  if (k < 1 || k > DI_MAX_COMPONENTS)
    return di::fail(DI_E_ARGUMENT, "%s: k must be in 1..%d, got %d", fn, DI_MAX_COMPONENTS, k);
  if (n < static_cast<size_t>(k))
    return di::fail(DI_E_ARGUMENT, "%s: n = %zu samples is fewer than k = %d components", fn, n, k);
  if (iterations < 0 || iterations > DI_GMM_MAX_ITERATIONS)
    return di::fail(DI_E_ARGUMENT, "%s: iterations must be in 0..%d, got %d", fn, DI_GMM_MAX_ITERATIONS, iterations);
  if (int rc = check_samples(fn, samples, n)) return rc;
  /* ridge 1e-2 in the units of 8-bit colour, scaled with the data: 1e-2 (max|x| / 255)^2 */
  double scale = 0.0;
  for (size_t i = 0; i < 3 * n; ++i) {
    const double a = std::fabs(static_cast<double>(samples[i]));
    if (a > scale) scale = a;
  }
  double ridge = scale > 0.0 ? 1e-2 * (scale / 255.0) * (scale / 255.0) : 1e-2;
  if (!(ridge > 1e-300)) ridge = 1e-300;
  di_gmm g;
  di::gmm_fit(samples, n, k, seed, iterations, ridge, g);
  for (int c = 0; c < g.k; ++c)
    if (!std::isfinite(g.log_norm[c]))
      return di::fail(DI_E_VALUE, "%s: component %d degenerated (samples too large or too close to overflow)", fn, c);
  *out = g;
  return DI_OK;
}

int gmm_loglik_checked(const di_gmm *gp, const float *samples, size_t n, float *out) {
  const char *fn = "di_gmm_loglik";
  if (!gp) return di::fail(DI_E_ARGUMENT, "%s: g is NULL", fn);
  if (!samples) return di::fail(DI_E_ARGUMENT, "%s: samples is NULL", fn);
  if (!out) return di::fail(DI_E_ARGUMENT, "%s: out is NULL", fn);
  if (int rc = di::check_count(fn, "n", n)) return rc;
  if (gp->k < 1 || gp->k > DI_MAX_COMPONENTS)
    return di::fail(DI_E_ARGUMENT, "%s: g->k must be in 1..%d, got %d", fn, DI_MAX_COMPONENTS, gp->k);
  /* recompute the derived fields from weight/mean/cov rather than trust them */
  di_gmm g = *gp;
  double wsum = 0.0;
  for (int c = 0; c < g.k; ++c) {
    if (!std::isfinite(g.weight[c]) || g.weight[c] < 0.0)
      return di::fail(DI_E_VALUE, "%s: g->weight[%d] is %g, must be finite and >= 0", fn, c, g.weight[c]);
    wsum += g.weight[c];
    for (int j = 0; j < 3; ++j)
      if (!std::isfinite(g.mean[c][j]))
        return di::fail(DI_E_VALUE, "%s: g->mean[%d][%d] is %g, not finite", fn, c, j, g.mean[c][j]);
    for (int j = 0; j < 9; ++j)
      if (!std::isfinite(g.cov[c][j]))
        return di::fail(DI_E_VALUE, "%s: g->cov[%d][%d] is %g, not finite", fn, c, j, g.cov[c][j]);
  }
  if (!(wsum > 0.0)) return di::fail(DI_E_VALUE, "%s: g->weight sums to %g, must be > 0", fn, wsum);
  bool use[DI_MAX_COMPONENTS];
  for (int c = 0; c < g.k; ++c) {
    use[c] = g.weight[c] > 0.0;
    if (use[c] && !di::gmm_finish_component(g, c))
      return di::fail(DI_E_VALUE, "%s: g->cov[%d] is not positive definite", fn, c);
  }
  if (int rc = check_samples(fn, samples, n)) return rc;
  for (size_t i = 0; i < n; ++i) {
    const float *x = samples + 3 * i;
    double l[DI_MAX_COMPONENTS];
    double mx = -INFINITY;
    for (int c = 0; c < g.k; ++c) {
      if (!use[c]) continue;
      const double *mu = g.mean[c], *v = g.inv[c];
      const double a = x[0] - mu[0], b = x[1] - mu[1], d = x[2] - mu[2];
      const double q = a * (v[0] * a + v[1] * b + v[2] * d) + b * (v[3] * a + v[4] * b + v[5] * d) +
                       d * (v[6] * a + v[7] * b + v[8] * d);
      l[c] = g.log_norm[c] - 0.5 * q;
      if (l[c] > mx) mx = l[c];
    }
    double s = 0.0;
    if (std::isfinite(mx))
      for (int c = 0; c < g.k; ++c)
        if (use[c]) s += di::det_exp(l[c] - mx);
    out[i] = std::isfinite(mx) ? static_cast<float>(mx + di::det_log(s)) : static_cast<float>(mx);
  }
  return DI_OK;
}

} // namespace

extern "C" int di_gmm_fit(const float *samples, size_t n, int k, uint32_t seed, int iterations, di_gmm *out) {
  return di::guarded("di_gmm_fit", [&] { return gmm_fit_checked(samples, n, k, seed, iterations, out); });
}

extern "C" int di_gmm_loglik(const di_gmm *g, const float *samples, size_t n, float *out) {
  return di::guarded("di_gmm_loglik", [&] { return gmm_loglik_checked(g, samples, n, out); });
}
