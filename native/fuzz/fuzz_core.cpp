/*
 * libFuzzer target over the whole C ABI of the core (native/include/deepinside.h).
 *
 * The fuzz input is decoded into a choice of function and its arguments: grid sizes (mostly
 * small, at most MAX_WORK_PIXELS pixels of real work, sometimes absurd: zero, negative, over
 * DI_MAX_SIDE, over DI_MAX_PIXELS, always with small buffers behind them, so a call that does not
 * reject them reads out of bounds and ASan says so), buffer contents (raw fuzz bytes, a PRNG,
 * constant, a few colours, an object on a background), special floats at fuzz-chosen positions
 * (NaN, +-Inf, -0, negatives, denormals, FLT_MAX), GrabCut labels outside 0..3, no seeds, k,
 * iterations, gamma and connectivity out of range, and NULL for any pointer.
 *
 * Every call is checked against the header's contract:
 *   - the return code is DI_OK or a DI_E_* code; it is DI_OK exactly when the arguments are
 *     valid by the header, and otherwise one of the codes the faults present call for (the
 *     target models the faults independently of the core's check order);
 *   - on failure di_last_error() names the function and no output was written (outputs are
 *     poisoned before the call and compared after);
 *   - quantile: equals numpy's linear quantile computed by sorting;
 *   - gmm_fit: 1 <= out.k <= k, weights positive and summing to 1, log_norm finite, the
 *     fitted model scores every sample with a finite log-likelihood; deterministic;
 *   - gmm_loglik: no NaN, no +Inf in the output;
 *   - maxflow: labels 0/1, the labels' cut capacity equals the reported flow (relative
 *     tolerance), the flow equals a reference Dinic max-flow on small grids, and with integral
 *     capacities (exact arithmetic) the source set is exactly the reference's minimal one;
 *   - grabcut: labels 0..3, hard seeds unchanged and every other pixel 2/3, 1 <= iterations <=
 *     params.iterations, energies finite and non-increasing, beta = 1 / (2 mean squared
 *     neighbour difference); deterministic (on a coin flip);
 *   - largest_component: out is 0/1, inside the mask, 8-connected, a whole component (no
 *     8-neighbour in the mask outside it), the largest (first in raster order on a tie), area =
 *     its pixel count, box its tight inclusive bounding box (or empty: area 0, box -1s); also with
 *     out aliasing mask.
 * A violated check prints what and where, then abort()s, which libFuzzer records as a crash.
 *
 * Checks of behaviours that are known and reported rather than fixed sit behind
 * FUZZ_KNOWN_ISSUES (off by default, -DFUZZ_KNOWN_ISSUES=1 turns them on) so that a long run
 * keeps looking for new problems.
 *
 * Build and run: native/fuzz/run.sh [SECONDS] (see there).
 */
#include <algorithm>
#include <cfloat>
#include <cstdarg>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "deepinside.h"
#include "../test/reference_maxflow.h"

#ifndef FUZZ_KNOWN_ISSUES
#define FUZZ_KNOWN_ISSUES 0
#endif

namespace {

const int MAX_WORK_PIXELS = 4096;   /* real work: at most this many pixels */
const size_t MAX_SAMPLES = 4096;    /* and samples */
const int REFERENCE_PIXELS = 1024;  /* the Dinic reference runs up to this size */
const uint8_t POISON = 0xA5;

[[noreturn]] void violation(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void violation(const char *what, const char *fmt, ...) {
  std::fprintf(stderr, "\n*** deepinside fuzz: invariant violated in %s: ", what);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, "\n    di_last_error: \"%s\"\n", di_last_error());
  std::abort();
}

/* CHECKF(cond, "di_x", "fmt %d", args): on failure the message gets "!(cond): " in front */
#define CHECKF(cond, what, fmt, ...)                                                                                 \
  do {                                                                                                               \
    if (!(cond)) violation(what, "!(%s): " fmt, #cond, ##__VA_ARGS__);                                               \
  } while (0)

/* ------------------------------------------------------------------ input decoding */

struct In {
  const uint8_t *p;
  size_t n;
  uint8_t u8() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16()) | (static_cast<uint32_t>(u16()) << 16); }
  bool bit() { return u8() & 1; }
  /* 1 in `one_in` (roughly) */
  bool chance(int one_in) { return u8() % one_in == 0; }
  int range(int lo, int hi) { return lo + static_cast<int>(u16() % static_cast<unsigned>(hi - lo + 1)); }
};

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed ^ 0x243F6A8885A308D3ull) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t m) { return static_cast<uint32_t>(next() % m); }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

const float SPECIAL[] = {
    NAN, INFINITY, -INFINITY, -0.0f, -1.0f, -FLT_MIN, -1e-30f, FLT_MAX, FLT_MIN, 1e-45f /* denormal */,
    1e38f, 0.0f, 1.0f, 0.5f, 255.0f, 1e-7f, 65504.0f, 3.0f, 1e20f, -FLT_MAX,
};
const int N_SPECIAL = sizeof SPECIAL / sizeof SPECIAL[0];

float special(In &in) { return SPECIAL[in.u8() % N_SPECIAL]; }

/* Grid dimensions: small (real work) or absurd (must be rejected). */
struct Dims {
  int w, h;
  bool valid;      /* by the header */
  size_t n;        /* pixels to allocate buffers for (small even when absurd) */
};

Dims dims(In &in) {
  Dims d;
  const uint8_t mode = in.u8();
  if (mode < 200) {
    d.w = 1 + in.u8() % 64;
    d.h = 1 + in.u8() % 64;
  } else if (mode < 235) {
    d.w = 1 + in.u16() % MAX_WORK_PIXELS;
    d.h = 1 + in.u16() % (MAX_WORK_PIXELS / d.w);
    if (in.bit()) std::swap(d.w, d.h);
  } else {
    static const int odd[] = {0, -1, INT_MIN, DI_MAX_SIDE + 1, INT_MAX, -DI_MAX_SIDE, 1, 8193, DI_MAX_SIDE, 1025, 2};
    const int no = sizeof odd / sizeof odd[0];
    d.w = odd[in.u8() % no];
    d.h = odd[in.u8() % no];
    if (in.chance(4)) d.w = static_cast<int>(in.u32());
    if (in.chance(4)) d.h = static_cast<int>(in.u32());
  }
  d.valid = d.w >= 1 && d.h >= 1 && d.w <= DI_MAX_SIDE && d.h <= DI_MAX_SIDE &&
            static_cast<long long>(d.w) * d.h <= DI_MAX_PIXELS;
  if (d.valid && static_cast<long long>(d.w) * d.h > MAX_WORK_PIXELS) {
    /* a valid but large grid would be real (slow) work: shrink it to a thin strip instead */
    d.h = 1;
    d.w = std::min(d.w, MAX_WORK_PIXELS);
  }
  d.n = d.valid ? static_cast<size_t>(d.w) * static_cast<size_t>(d.h) : 4;
  return d;
}

/* Fills `out` with `count` bytes: raw input, PRNG, constant, a few values, an object. */
void fill_bytes(In &in, uint8_t *out, size_t count, int w, int channels) {
  const uint8_t mode = in.u8() % 6;
  Rng rng(in.u32());
  if (w < 1) w = 1;
  switch (mode) {
  case 0: { /* raw fuzz bytes, cycled */
    const size_t take = std::min(in.n, count);
    if (take == 0) {
      std::memset(out, 0, count);
      break;
    }
    for (size_t i = 0; i < count; ++i) out[i] = in.p[i % take];
    in.p += take;
    in.n -= take;
    break;
  }
  case 1:
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<uint8_t>(rng.next());
    break;
  case 2:
    std::memset(out, in.u8(), count);
    break;
  case 3: { /* a few distinct values */
    uint8_t pal[4][3];
    for (auto &c : pal)
      for (auto &v : c) v = in.u8();
    const int k = 1 + in.u8() % 4;
    for (size_t i = 0; i < count / channels; ++i) {
      const uint8_t *c = pal[rng.below(k)];
      for (int j = 0; j < channels; ++j) out[i * channels + j] = c[j % 3];
    }
    for (size_t i = count / channels * channels; i < count; ++i) out[i] = 0;
    break;
  }
  default: { /* a noisy object (ellipse) on a noisy textured background */
    const size_t px = count / channels;
    const int h = static_cast<int>((px + w - 1) / w);
    const double cx = rng.uniform() * w, cy = rng.uniform() * h, rx = 1 + rng.uniform() * w / 2.0,
                 ry = 1 + rng.uniform() * h / 2.0;
    const int noise = in.u8() % 64 + 1;
    uint8_t fg[3], bg[3];
    for (int j = 0; j < 3; ++j) {
      fg[j] = in.u8();
      bg[j] = in.u8();
    }
    for (size_t i = 0; i < px; ++i) {
      const int x = static_cast<int>(i % w), y = static_cast<int>(i / w);
      const double ex = (x - cx) / rx, ey = (y - cy) / ry;
      const bool inside = ex * ex + ey * ey <= 1.0;
      const bool stripe = ((x / 4 + y / 4) & 1) != 0;
      for (int j = 0; j < channels; ++j) {
        int v = inside ? fg[j % 3] : bg[j % 3] + (stripe ? 20 : -20);
        v += static_cast<int>(rng.below(noise)) - noise / 2;
        out[i * channels + j] = static_cast<uint8_t>(std::min(255, std::max(0, v)));
      }
    }
    for (size_t i = px * channels; i < count; ++i) out[i] = 0;
    break;
  }
  }
}

/* Fills `out` with floats: non-negative finite values of a fuzz-chosen shape and scale, then a
 * few special values at fuzz-chosen positions. `integral`: set when every value is a small
 * integer (exact arithmetic). */
void fill_floats(In &in, float *out, size_t count, bool &integral) {
  const uint8_t mode = in.u8() % 6;
  Rng rng(in.u32());
  integral = false;
  switch (mode) {
  case 0: /* small integers: exact sums */
  {
    const uint32_t m = 1 + in.u8() % 16;
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(rng.below(m));
    integral = true;
    break;
  }
  case 1: {
    const float scale = std::ldexp(1.0f, in.range(-140, 127));
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(rng.uniform()) * scale;
    break;
  }
  case 2: {
    const float v = in.bit() ? special(in) : static_cast<float>(in.u8());
    for (size_t i = 0; i < count; ++i) out[i] = v;
    integral = v == std::floor(v) && v >= 0 && v < 65536;
    break;
  }
  case 3: /* wildly mixed magnitudes */
    for (size_t i = 0; i < count; ++i) out[i] = std::ldexp(static_cast<float>(rng.uniform()), in.range(-149, 127));
    break;
  case 4: /* raw bytes as floats */
    for (size_t i = 0; i < count; ++i) {
      uint32_t b = in.u32();
      float f;
      std::memcpy(&f, &b, 4);
      out[i] = f;
      if (in.n == 0) { /* input exhausted: the rest from the PRNG */
        for (; i < count; ++i) out[i] = static_cast<float>(rng.uniform() * 10.0);
        break;
      }
    }
    break;
  default:
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(rng.uniform() * 100.0);
    break;
  }
  if (count && in.chance(3)) {
    const int k = 1 + in.u8() % 4;
    for (int j = 0; j < k; ++j) {
      out[in.u16() % count] = special(in);
      integral = false;
    }
  }
}

/* ------------------------------------------------------------------ shared checks */

bool is_di_code(int rc) { return rc == DI_OK || (rc <= DI_E_ARGUMENT && rc >= DI_E_MEMORY); }

/* The set of codes the faults present allow (bit -code). */
struct Faults {
  unsigned bits = 0;
  void add(int code) { bits |= 1u << (-code); }
  bool any() const { return bits != 0; }
  bool allows(int rc) const { return rc < 0 && (bits & (1u << (-rc))); }
};

void check_rc(const char *fn, int rc, const Faults &f, bool may_fail_value = false) {
  CHECKF(is_di_code(rc), fn, "return code %d is neither DI_OK nor a DI_E_* code", rc);
  if (f.any()) {
    CHECKF(f.allows(rc), fn, "invalid arguments (fault mask 0x%x) gave rc %d", f.bits, rc);
  } else {
    CHECKF(rc == DI_OK || (may_fail_value && rc == DI_E_VALUE), fn, "valid arguments gave rc %d", rc);
  }
  if (rc != DI_OK) {
    const char *m = di_last_error();
    CHECKF(m != nullptr && std::strncmp(m, fn, std::strlen(fn)) == 0, fn, "error message does not name %s", fn);
  }
}

template <class T> bool untouched(const T *p, size_t bytes) {
  const uint8_t *b = reinterpret_cast<const uint8_t *>(p);
  for (size_t i = 0; i < bytes; ++i)
    if (b[i] != POISON) return false;
  return true;
}

/* Absurd element counts for the n of quantile / gmm calls (the buffers behind them are small). */
size_t count_n(In &in, size_t small_max, bool &valid) {
  const uint8_t mode = in.u8();
  if (mode < 236) {
    valid = true;
    return 1 + in.u16() % small_max;
  }
  static const size_t odd[] = {0, static_cast<size_t>(DI_MAX_PIXELS) + 1, SIZE_MAX, SIZE_MAX / 3 + 1,
                               static_cast<size_t>(1) << 62, static_cast<size_t>(UINT32_MAX) + 1};
  valid = false;
  return odd[in.u8() % (sizeof odd / sizeof odd[0])];
}

/* Which pointer argument (1-based) is replaced by NULL; 0 for none. */
int null_arg(In &in, int count) {
  if (!in.chance(10)) return 0;
  return 1 + in.u8() % count;
}

/* ------------------------------------------------------------------ di_quantile */

void fuzz_quantile(In &in) {
  const char *fn = "di_quantile";
  bool nvalid;
  const size_t n = count_n(in, MAX_SAMPLES, nvalid);
  const size_t alloc = nvalid ? n : 4;
  std::vector<float> map(alloc);
  bool integral;
  fill_floats(in, map.data(), alloc, integral);
  double q;
  const uint8_t qm = in.u8() % 8;
  if (qm == 0) q = static_cast<double>(special(in));
  else if (qm == 1) q = in.bit() ? 0.0 : 1.0;
  else q = in.u16() / 65535.0;
  const int nul = null_arg(in, 2);
  float out;
  std::memset(&out, POISON, sizeof out);

  Faults f;
  if (nul) f.add(DI_E_ARGUMENT);
  if (!nvalid) f.add(DI_E_SIZE);
  if (!(q >= 0.0 && q <= 1.0)) f.add(DI_E_ARGUMENT);
  if (nvalid)
    for (float v : map)
      if (!std::isfinite(v)) f.add(DI_E_VALUE);

  const int rc = di_quantile(nul == 1 ? nullptr : map.data(), n, q, nul == 2 ? nullptr : &out);
  check_rc(fn, rc, f);
  if (rc != DI_OK) {
    CHECKF(untouched(&out, sizeof out), fn, "output written on failure");
    return;
  }
  /* numpy's linear quantile by sorting */
  std::vector<float> s(map);
  std::sort(s.begin(), s.end());
  const double h = static_cast<double>(n - 1) * q;
  const size_t lo = std::min(static_cast<size_t>(h), n - 1);
  const double t = h - static_cast<double>(lo);
  double r = s[lo];
  if (t > 0.0 && lo + 1 < n) r = s[lo] + t * (static_cast<double>(s[lo + 1]) - s[lo]);
  float want = static_cast<float>(r);
  if (want == 0.0f) want = 0.0f;
  CHECKF(out == want && !std::signbit(out) == !std::signbit(want), fn, "n=%zu q=%.17g: got %.9g, sorted reference %.9g",
         n, q, out, want);
}

/* ------------------------------------------------------------------ di_gmm_fit / di_gmm_loglik */

double max_abs(const std::vector<float> &v) {
  double m = 0;
  for (float x : v) m = std::max(m, std::fabs(static_cast<double>(x)));
  return m;
}

void fuzz_gmm_fit(In &in) {
  const char *fn = "di_gmm_fit";
  bool nvalid;
  const size_t n = count_n(in, MAX_SAMPLES / 4, nvalid);
  const size_t alloc = nvalid ? n : 4;
  std::vector<float> x(3 * alloc);
  const uint8_t dm = in.u8() % 3;
  bool integral = false;
  if (dm == 0) {
    fill_floats(in, x.data(), x.size(), integral);
    if (in.bit()) /* signed data too */
      for (auto &v : x)
        if (in.bit()) v = -v;
  } else {
    std::vector<uint8_t> b(x.size());
    fill_bytes(in, b.data(), b.size(), 16, 3);
    const float scale = dm == 1 ? 1.0f : std::ldexp(1.0f, in.range(-140, 110));
    for (size_t i = 0; i < x.size(); ++i) x[i] = b[i] * scale;
  }
  int k = 1 + in.u8() % 8;
  if (in.chance(8)) k = static_cast<int>(in.u32() % 40) - 10;
  int iterations = in.u8() % 12;
  if (in.chance(12)) iterations = in.bit() ? static_cast<int>(in.u32()) : 1000 + in.u8() % 3;
  const uint32_t seed = in.u32();
  const int nul = null_arg(in, 2);

  di_gmm g;
  std::memset(&g, POISON, sizeof g);
  Faults f;
  if (nul) f.add(DI_E_ARGUMENT);
  if (!nvalid) f.add(DI_E_SIZE);
  if (k < 1 || k > DI_MAX_COMPONENTS) f.add(DI_E_ARGUMENT);
  if (nvalid && k >= 1 && n < static_cast<size_t>(k)) f.add(DI_E_ARGUMENT);
  if (iterations < 0 || iterations > 1000) f.add(DI_E_ARGUMENT);
  if (nvalid)
    for (float v : x)
      if (!std::isfinite(v)) f.add(DI_E_VALUE);
  /* the header allows "any scale"; the core reports DI_E_VALUE when a component degenerates,
   * which only near-overflowing data can cause */
  const bool may_degenerate = nvalid && max_abs(x) > 1e30;

  const int rc = di_gmm_fit(nul == 1 ? nullptr : x.data(), n, k, seed, iterations, nul == 2 ? nullptr : &g);
  check_rc(fn, rc, f, may_degenerate);
  if (rc != DI_OK) {
    CHECKF(untouched(&g, sizeof g), fn, "output written on failure");
    return;
  }
  CHECKF(g.k >= 1 && g.k <= k, fn, "out.k = %d for k = %d", g.k, k);
  double wsum = 0;
  for (int c = 0; c < g.k; ++c) {
    CHECKF(g.weight[c] > 0 && std::isfinite(g.log_norm[c]), fn, "component %d: weight %g log_norm %g", c, g.weight[c],
           g.log_norm[c]);
    wsum += g.weight[c];
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 3; ++i)
        CHECKF(g.cov[c][3 * j + i] == g.cov[c][3 * i + j] && std::isfinite(g.cov[c][3 * j + i]), fn,
               "component %d: covariance not symmetric/finite", c);
  }
  CHECKF(std::fabs(wsum - 1.0) < 1e-9, fn, "weights sum to %.17g", wsum);
  /* deterministic */
  di_gmm g2;
  CHECKF(di_gmm_fit(x.data(), n, k, seed, iterations, &g2) == DI_OK && std::memcmp(&g, &g2, sizeof g) == 0, fn,
         "not deterministic");
  /* the fitted model scores its own samples */
  std::vector<float> ll(n);
  const int rl = di_gmm_loglik(&g, x.data(), n, ll.data());
#if FUZZ_KNOWN_ISSUES
  CHECKF(rl == DI_OK, "di_gmm_fit+loglik", "loglik of a fitted model failed: rc %d", rl);
#endif
  if (rl == DI_OK)
    for (size_t i = 0; i < n; ++i) {
      CHECKF(!std::isnan(ll[i]) && ll[i] != INFINITY, "di_gmm_fit+loglik", "sample %zu: loglik %g", i, ll[i]);
#if FUZZ_KNOWN_ISSUES
      CHECKF(std::isfinite(ll[i]) || max_abs(x) > 1e30, "di_gmm_fit+loglik", "sample %zu: loglik %g", i, ll[i]);
#endif
    }
}

void fuzz_gmm_loglik(In &in) {
  const char *fn = "di_gmm_loglik";
  di_gmm g;
  std::memset(&g, 0, sizeof g);
  const uint8_t gm = in.u8() % 3;
  if (gm == 0) { /* a fitted model, then perhaps damaged */
    std::vector<float> s(3 * 64);
    std::vector<uint8_t> b(s.size());
    fill_bytes(in, b.data(), b.size(), 8, 3);
    for (size_t i = 0; i < s.size(); ++i) s[i] = b[i];
    if (di_gmm_fit(s.data(), 64, 1 + in.u8() % 5, in.u32(), 3, &g) != DI_OK) return;
  } else { /* a hand-made one: identity-ish covariances of fuzz-chosen scale */
    g.k = 1 + in.u8() % DI_MAX_COMPONENTS;
    for (int c = 0; c < g.k; ++c) {
      g.weight[c] = in.u8() / 16.0;
      for (int j = 0; j < 3; ++j) g.mean[c][j] = in.u8();
      /* scales anywhere, or where det (~ s^3) nears the double range's ends */
      const uint8_t sm = in.u8() % 4;
      const int e = sm == 0 ? in.range(-400, 400) : sm == 1 ? in.range(-362, -338) : sm == 2 ? in.range(336, 344) : in.range(-8, 8);
      const double s = std::ldexp(1.0, e);
      for (int j = 0; j < 9; ++j) g.cov[c][j] = (j % 4 == 0) ? s * (1 + in.u8() / 64.0) : s * (in.u8() / 512.0);
      /* keep it symmetric */
      g.cov[c][3] = g.cov[c][1];
      g.cov[c][6] = g.cov[c][2];
      g.cov[c][7] = g.cov[c][5];
    }
  }
  /* damage: k out of range, special values in any field */
  if (in.chance(6)) g.k = static_cast<int>(in.u32() % 40) - 10;
  const int damage = in.chance(3) ? in.u8() % 4 : 0;
  for (int j = 0; j < damage; ++j) {
    const int c = in.u8() % DI_MAX_COMPONENTS;
    const double v = in.bit() ? static_cast<double>(special(in)) : -static_cast<double>(in.u8());
    switch (in.u8() % 4) {
    case 0: g.weight[c] = v; break;
    case 1: g.mean[c][in.u8() % 3] = v; break;
    case 2: g.cov[c][in.u8() % 9] = v; break;
    default: g.log_norm[c] = v; g.inv[c][in.u8() % 9] = v; break; /* derived: must be ignored */
    }
  }
  bool nvalid;
  const size_t n = count_n(in, MAX_SAMPLES / 4, nvalid);
  const size_t alloc = nvalid ? n : 4;
  std::vector<float> x(3 * alloc);
  bool integral;
  fill_floats(in, x.data(), x.size(), integral);
  if (in.bit())
    for (auto &v : x)
      if (in.bit()) v = -v;
  const int nul = null_arg(in, 3);
  std::vector<float> out(alloc);
  std::memset(out.data(), POISON, out.size() * sizeof(float));

  Faults f;
  bool structurally_ok = true;
  if (nul) f.add(DI_E_ARGUMENT);
  if (!nvalid) f.add(DI_E_SIZE);
  if (g.k < 1 || g.k > DI_MAX_COMPONENTS) {
    f.add(DI_E_ARGUMENT);
    structurally_ok = false;
  }
  if (structurally_ok) {
    double wsum = 0;
    for (int c = 0; c < g.k; ++c) {
      if (!std::isfinite(g.weight[c]) || g.weight[c] < 0) f.add(DI_E_VALUE);
      wsum += g.weight[c];
      for (int j = 0; j < 3; ++j)
        if (!std::isfinite(g.mean[c][j])) f.add(DI_E_VALUE);
      for (int j = 0; j < 9; ++j)
        if (!std::isfinite(g.cov[c][j])) f.add(DI_E_VALUE);
    }
    if (!(wsum > 0)) f.add(DI_E_VALUE);
  }
  if (nvalid)
    for (float v : x)
      if (!std::isfinite(v)) f.add(DI_E_VALUE);
  /* positive definiteness is the core's judgement: DI_E_VALUE is always allowed */
  const int rc = di_gmm_loglik(nul == 1 ? nullptr : &g, nul == 2 ? nullptr : x.data(), n,
                               nul == 3 ? nullptr : out.data());
  if (f.any()) f.add(DI_E_VALUE);
  check_rc(fn, rc, f, true);
  if (rc != DI_OK) {
    CHECKF(untouched(out.data(), out.size() * sizeof(float)), fn, "output written on failure");
    return;
  }
  for (size_t i = 0; i < n; ++i) {
#if FUZZ_KNOWN_ISSUES
    CHECKF(!std::isnan(out[i]), fn, "out[%zu] is NaN", i);
#endif
    CHECKF(out[i] != INFINITY, fn, "out[%zu] is +Inf", i);
  }
}

/* ------------------------------------------------------------------ di_maxflow_grid */

void fuzz_maxflow(In &in) {
  const char *fn = "di_maxflow_grid";
  const Dims d = dims(in);
  int conn = in.bit() ? 8 : 4;
  if (in.chance(16)) conn = static_cast<int>(in.u8()) - 8;
  const int half = (conn == 8) ? 4 : 2; /* buffers as the header sizes them for a valid conn */
  const size_t n = d.n;
  std::vector<float> src(n), snk(n), edge(half * n);
  bool i1, i2, i3;
  fill_floats(in, src.data(), n, i1);
  fill_floats(in, snk.data(), n, i2);
  fill_floats(in, edge.data(), edge.size(), i3);
  /* usually sparse terminal links, as in vision problems */
  if (in.bit()) {
    Rng rng(in.u32());
    for (size_t i = 0; i < n; ++i) {
      const uint32_t r = rng.below(4);
      if (r == 0) src[i] = 0;
      else if (r == 1) snk[i] = 0;
    }
  }
  /* garbage in the entries that point outside the grid: ignored by the header */
  const bool garbage_outside = in.bit();
  static const int DX[4] = {1, 0, 1, -1}, DY[4] = {0, 1, 1, 1};
  if (d.valid && garbage_outside) {
    for (int y = 0; y < d.h; ++y)
      for (int x = 0; x < d.w; ++x)
        for (int k = 0; k < half; ++k) {
          const int nx = x + DX[k], ny = y + DY[k];
          if (nx < 0 || nx >= d.w || ny >= d.h) edge[static_cast<size_t>(half) * (y * d.w + x) + k] = special(in);
        }
  }
  const int nul = null_arg(in, 5);

  Faults f;
  if (!d.valid) f.add(DI_E_SIZE);
  if (conn != 4 && conn != 8) f.add(DI_E_ARGUMENT);
  if (nul) f.add(DI_E_ARGUMENT);
  if (d.valid) {
    for (size_t i = 0; i < n; ++i) {
      for (float v : {src[i], snk[i]}) {
        if (!std::isfinite(v)) f.add(DI_E_VALUE);
        else if (v < 0) f.add(DI_E_ARGUMENT);
      }
    }
    for (int y = 0; y < d.h; ++y)
      for (int x = 0; x < d.w; ++x)
        for (int k = 0; k < half; ++k) {
          const int nx = x + DX[k], ny = y + DY[k];
          if (nx < 0 || nx >= d.w || ny >= d.h) continue;
          const float v = edge[static_cast<size_t>(half) * (y * d.w + x) + k];
          if (!std::isfinite(v)) f.add(DI_E_VALUE);
          else if (v < 0) f.add(DI_E_ARGUMENT);
        }
  }
  std::vector<uint8_t> label(n, POISON);
  double flow;
  std::memset(&flow, POISON, sizeof flow);
  const int rc = di_maxflow_grid(d.w, d.h, conn, nul == 1 ? nullptr : src.data(), nul == 2 ? nullptr : snk.data(),
                                 nul == 3 ? nullptr : edge.data(), nul == 4 ? nullptr : label.data(),
                                 nul == 5 ? nullptr : &flow);
  check_rc(fn, rc, f);
  if (rc != DI_OK) {
    CHECKF(untouched(label.data(), n) && untouched(&flow, sizeof flow), fn, "output written on failure");
    return;
  }
  /* the cut the labels give, and the total capacity (the tolerance's scale) */
  double cut = 0, total = 0;
  for (int y = 0; y < d.h; ++y)
    for (int x = 0; x < d.w; ++x) {
      const size_t i = static_cast<size_t>(y) * d.w + x;
      CHECKF(label[i] <= 1, fn, "label[%zu] = %d", i, label[i]);
      cut += label[i] ? snk[i] : src[i];
      total += static_cast<double>(src[i]) + snk[i];
      for (int k = 0; k < half; ++k) {
        const int nx = x + DX[k], ny = y + DY[k];
        if (nx < 0 || nx >= d.w || ny >= d.h) continue;
        const double c = edge[half * i + k];
        total += 2 * c;
        if (label[i] != label[static_cast<size_t>(ny) * d.w + nx]) cut += c;
      }
    }
  const double tol = 1e-9 * total + 1e-30;
  CHECKF(std::isfinite(flow) && flow >= 0, fn, "flow %g", flow);
  CHECKF(std::fabs(cut - flow) <= tol, fn, "%dx%d c%d: cut capacity %.17g != flow %.17g (total %.6g)", d.w, d.h, conn,
         cut, flow, total);
  if (n <= static_cast<size_t>(REFERENCE_PIXELS)) {
    const ReferenceCut ref = reference_maxflow_grid(d.w, d.h, conn, src.data(), snk.data(), edge.data());
    CHECKF(std::fabs(ref.flow - flow) <= tol, fn, "%dx%d c%d: flow %.17g, reference Dinic %.17g", d.w, d.h, conn, flow,
           ref.flow);
    if (i1 && i2 && i3) /* exact arithmetic: the minimal source set is unique */
      for (size_t i = 0; i < n; ++i)
        CHECKF(label[i] == ref.source_side[i], fn, "%dx%d c%d integral: label[%zu] = %d, minimal source set has %d",
               d.w, d.h, conn, i, label[i], ref.source_side[i]);
  }
}

/* ------------------------------------------------------------------ di_grabcut */

double beta_of(const std::vector<uint8_t> &rgb, int w, int h, int conn) {
  static const int DX[4] = {1, 0, 1, -1}, DY[4] = {0, 1, 1, 1};
  double sum = 0, pairs = 0;
  for (int k = 0; k < conn / 2; ++k)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const int nx = x + DX[k], ny = y + DY[k];
        if (nx < 0 || nx >= w || ny >= h) continue;
        const uint8_t *a = &rgb[3 * (static_cast<size_t>(y) * w + x)], *b = &rgb[3 * (static_cast<size_t>(ny) * w + nx)];
        for (int j = 0; j < 3; ++j) sum += (a[j] - b[j]) * (a[j] - b[j]);
        pairs += 1;
      }
  return pairs > 0 && sum > 0 ? 1.0 / (2.0 * sum / pairs) : 0.0;
}

void fuzz_grabcut(In &in) {
  const char *fn = "di_grabcut";
  const Dims d = dims(in);
  const size_t n = d.n;
  std::vector<uint8_t> rgb(3 * n);
  fill_bytes(in, rgb.data(), rgb.size(), d.w, 3);
  std::vector<uint8_t> lab(n);
  const uint8_t lm = in.u8() % 6;
  Rng rng(in.u32());
  if (lm == 0) { /* raw labels, any byte */
    fill_bytes(in, lab.data(), n, d.w, 1);
    if (in.bit())
      for (auto &l : lab) l &= 3;
  } else if (lm == 1) { /* one constant label: no fg or no bg seeds */
    std::memset(lab.data(), in.u8() % 4, n);
  } else if (lm == 2) { /* soup of 0..3 */
    for (auto &l : lab) l = static_cast<uint8_t>(rng.below(4));
  } else { /* a box of probable fg, a border of hard bg, maybe a fg seed core, like the paper's seeds */
    const int w = std::max(d.w, 1), h = static_cast<int>(n / std::max(d.w, 1));
    const int x0 = static_cast<int>(rng.below(w)), y0 = static_cast<int>(rng.below(std::max(h, 1)));
    const int x1 = x0 + static_cast<int>(rng.below(w - x0)), y1 = y0 + static_cast<int>(rng.below(std::max(h - y0, 1)));
    const bool hard_border = rng.below(2), fg_core = rng.below(2), no_bg = lm == 5;
    for (size_t i = 0; i < n; ++i) {
      const int x = static_cast<int>(i % w), y = static_cast<int>(i / w);
      const bool in_box = x >= x0 && x <= x1 && y >= y0 && y <= y1;
      const bool border = x == 0 || y == 0 || x == w - 1 || y == h - 1;
      lab[i] = in_box ? 3 : (no_bg ? 3 : (hard_border && border ? 0 : 2));
      if (fg_core && in_box && std::abs(2 * x - x0 - x1) <= 1 + (x1 - x0) / 4 &&
          std::abs(2 * y - y0 - y1) <= 1 + (y1 - y0) / 4)
        lab[i] = 1;
    }
  }
  if (in.chance(10)) lab[in.u16() % n] = static_cast<uint8_t>(4 + in.u8() % 252); /* out of range */

  di_grabcut_params p;
  di_grabcut_defaults(&p);
  p.components = 1 + in.u8() % 8;
  p.iterations = 1 + in.u8() % 10;
  p.connectivity = in.bit() ? 8 : 4;
  p.seed = in.u32();
  p.models_from_seeds = in.bit();
  switch (in.u8() % 8) {
  case 0: p.gamma = 0; break;
  case 1: p.gamma = static_cast<double>(special(in)); break;
  case 2: p.gamma = std::ldexp(1.0, in.range(-60, 110)); break;
  default: p.gamma = 50; break;
  }
  if (in.chance(12)) { /* parameters out of range */
    switch (in.u8() % 6) {
    case 0: p.components = static_cast<int>(in.u32() % 40) - 10; break;
    case 1: p.iterations = in.bit() ? static_cast<int>(in.u32()) : static_cast<int>(in.u8() % 80) - 8; break;
    case 2: p.connectivity = static_cast<int>(in.u8()) - 8; break;
    case 3: p.models_from_seeds = static_cast<int>(in.u32()); break;
    case 4: p.gamma = -static_cast<double>(in.u8()) - 1e-3; break;
    default: p.gamma = 1e31 * (1 + in.u8()); break;
    }
  }
  const int nul = null_arg(in, 4); /* rgb, labels, params, report (report may be NULL) */

  Faults f;
  if (!d.valid) f.add(DI_E_SIZE);
  if (nul >= 1 && nul <= 3) f.add(DI_E_ARGUMENT);
  if (p.components < 1 || p.components > DI_MAX_COMPONENTS) f.add(DI_E_ARGUMENT);
  if (p.iterations < 1 || p.iterations > DI_GRABCUT_MAX_ITERATIONS) f.add(DI_E_ARGUMENT);
  if (!std::isfinite(p.gamma)) f.add(DI_E_VALUE);
  else if (p.gamma < 0 || p.gamma > 1e30) f.add(DI_E_ARGUMENT);
  if (p.connectivity != 4 && p.connectivity != 8) f.add(DI_E_ARGUMENT);
  if (p.models_from_seeds != 0 && p.models_from_seeds != 1) f.add(DI_E_ARGUMENT);
  if (d.valid) {
    size_t fg = 0, bg = 0;
    bool bad = false;
    for (uint8_t l : lab) {
      if (l > 3) bad = true;
      else if (l == 1 || l == 3) ++fg;
      else ++bg;
    }
    if (bad) f.add(DI_E_ARGUMENT);
    else if (fg == 0 || bg == 0) f.add(DI_E_SEEDS);
  }
  const std::vector<uint8_t> before(lab);
  di_grabcut_report rep;
  std::memset(&rep, POISON, sizeof rep);
  const int rc = di_grabcut(nul == 1 ? nullptr : rgb.data(), d.w, d.h, nul == 2 ? nullptr : lab.data(),
                            nul == 3 ? nullptr : &p, nul == 4 ? nullptr : &rep);
  check_rc(fn, rc, f);
  if (rc != DI_OK) {
    CHECKF(lab == before && untouched(&rep, sizeof rep), fn, "output written on failure");
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    const uint8_t a = before[i], b = lab[i];
    CHECKF(a <= 1 ? b == a : (b == 2 || b == 3), fn, "%dx%d: pixel %zu label %d -> %d", d.w, d.h, i, a, b);
  }
  if (nul == 4) return;
  CHECKF(rep.iterations >= 1 && rep.iterations <= p.iterations, fn, "report.iterations = %d of %d", rep.iterations,
         p.iterations);
  for (int i = 0; i < rep.iterations; ++i) {
    CHECKF(std::isfinite(rep.energy[i]), fn, "energy[%d] = %g", i, rep.energy[i]);
    if (i) CHECKF(rep.energy[i] <= rep.energy[i - 1], fn, "energy[%d] = %.17g > energy[%d] = %.17g", i,
                  rep.energy[i], i - 1, rep.energy[i - 1]);
  }
  const double beta = beta_of(rgb, d.w, d.h, p.connectivity);
  CHECKF(std::fabs(rep.beta - beta) <= 1e-12 * beta, fn, "beta %.17g, expected %.17g", rep.beta, beta);
  if (in.chance(4)) { /* deterministic */
    std::vector<uint8_t> lab2(before);
    di_grabcut_report rep2;
    std::memset(&rep2, 0, sizeof rep2);
    CHECKF(di_grabcut(rgb.data(), d.w, d.h, lab2.data(), &p, &rep2) == DI_OK && lab2 == lab &&
               rep2.iterations == rep.iterations &&
               std::memcmp(rep2.energy, rep.energy, sizeof(double) * rep.iterations) == 0,
           fn, "not deterministic");
  }
}

/* ------------------------------------------------------------------ di_largest_component */

void fuzz_components(In &in) {
  const char *fn = "di_largest_component";
  const Dims d = dims(in);
  const size_t n = d.n;
  std::vector<uint8_t> mask(n);
  const uint8_t mm = in.u8() % 4;
  if (mm == 0) {
    fill_bytes(in, mask.data(), n, d.w, 1);
  } else { /* random blobs of a fuzz-chosen density */
    Rng rng(in.u32());
    const uint32_t density = in.u8();
    for (auto &m : mask) m = rng.below(256) < density ? static_cast<uint8_t>(1 + rng.below(255)) : 0;
  }
  const bool alias = in.chance(4);
  const int nul = null_arg(in, 4); /* mask, out, box, area */
  std::vector<uint8_t> out(n, POISON);
  int box[4];
  size_t area;
  std::memset(box, POISON, sizeof box);
  std::memset(&area, POISON, sizeof area);
  const std::vector<uint8_t> before(mask);
  uint8_t *outp = alias ? mask.data() : out.data();

  Faults f;
  if (!d.valid) f.add(DI_E_SIZE);
  if (nul) f.add(DI_E_ARGUMENT);
  const int rc = di_largest_component(nul == 1 ? nullptr : mask.data(), d.w, d.h, nul == 2 ? nullptr : outp,
                                      nul == 3 ? nullptr : box, nul == 4 ? nullptr : &area);
  check_rc(fn, rc, f);
  if (rc != DI_OK) {
    CHECKF(mask == before && untouched(out.data(), n) && untouched(box, sizeof box) && untouched(&area, sizeof area),
           fn, "output written on failure");
    return;
  }
  const int w = d.w, h = d.h;
  const uint8_t *o = outp;
  /* reference labelling of the 8-connected components */
  std::vector<int> comp(n, 0);
  std::vector<size_t> sizes(1, 0);
  std::vector<int> stack;
  for (size_t s = 0; s < n; ++s) {
    if (!before[s] || comp[s]) continue;
    const int id = static_cast<int>(sizes.size());
    sizes.push_back(0);
    stack.assign(1, static_cast<int>(s));
    comp[s] = id;
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      ++sizes[id];
      const int x = p % w, y = p / w;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const int q = ny * w + nx;
          if (before[q] && !comp[q]) {
            comp[q] = id;
            stack.push_back(q);
          }
        }
    }
  }
  size_t best = 0;
  int best_id = 0;
  for (size_t c = 1; c < sizes.size(); ++c)
    if (sizes[c] > best) {
      best = sizes[c];
      best_id = static_cast<int>(c);
    }
  CHECKF(area == best, fn, "%dx%d: area %zu, largest component has %zu pixels", w, h, area, best);
  int b[4] = {-1, -1, -1, -1};
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    CHECKF(o[i] <= 1, fn, "out[%zu] = %d", i, o[i]);
    const bool want = best_id > 0 && comp[i] == best_id;
    CHECKF(o[i] == (want ? 1 : 0), fn, "%dx%d: out[%zu] = %d, not the first largest 8-connected component (%s)", w,
           h, i, o[i], before[i] ? "in the mask" : "outside the mask");
    if (!o[i]) continue;
    ++count;
    const int x = static_cast<int>(i % w), y = static_cast<int>(i / w);
    if (b[0] < 0 || x < b[0]) b[0] = x;
    if (b[1] < 0) b[1] = y;
    if (x > b[2]) b[2] = x;
    b[3] = y;
  }
  CHECKF(count == area, fn, "area %zu, out has %zu pixels", area, count);
  CHECKF(std::memcmp(b, box, sizeof b) == 0, fn, "box {%d,%d,%d,%d}, tight box {%d,%d,%d,%d}", box[0], box[1], box[2],
         box[3], b[0], b[1], b[2], b[3]);
}

/* ------------------------------------------------------------------ odds and ends */

void fuzz_misc(In &in) {
  di_grabcut_defaults(nullptr); /* must not crash */
  di_grabcut_params p;
  std::memset(&p, POISON, sizeof p);
  di_grabcut_defaults(&p);
  CHECKF(p.components == 5 && p.iterations == 5 && p.gamma == 50 && p.connectivity == 8 && p.seed == 0 &&
             p.models_from_seeds == 0,
         "di_grabcut_defaults", "unexpected defaults");
  const char *v = di_version();
  CHECKF(v && *v, "di_version", "empty");
  /* every function with every pointer NULL and absurd sizes */
  const int w = in.bit() ? 0 : -5;
  CHECKF(di_quantile(nullptr, 0, NAN, nullptr) < 0, "di_quantile", "all-bad call succeeded");
  CHECKF(di_gmm_fit(nullptr, 0, 0, 0, -1, nullptr) < 0, "di_gmm_fit", "all-bad call succeeded");
  CHECKF(di_gmm_loglik(nullptr, nullptr, 0, nullptr) < 0, "di_gmm_loglik", "all-bad call succeeded");
  double fl;
  CHECKF(di_maxflow_grid(w, w, 3, nullptr, nullptr, nullptr, nullptr, &fl) < 0, "di_maxflow_grid", "all-bad call");
  CHECKF(di_grabcut(nullptr, w, 1, nullptr, nullptr, nullptr) < 0, "di_grabcut", "all-bad call succeeded");
  CHECKF(di_largest_component(nullptr, 1, w, nullptr, nullptr, nullptr) < 0, "di_largest_component", "all-bad call");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  In in{data, size};
  switch (in.u8() % 7) {
  case 0: fuzz_quantile(in); break;
  case 1: fuzz_gmm_fit(in); break;
  case 2: fuzz_gmm_loglik(in); break;
  case 3: fuzz_maxflow(in); break;
  case 4: fuzz_grabcut(in); break;
  case 5: fuzz_components(in); break;
  default: fuzz_misc(in); break;
  }
  return 0;
}
