/*
 * GrabCut (Rother, Kolmogorov & Blake 2004), in the order OpenCV's grabcut.cpp runs it:
 *
 *   checks, beta and the n-links (once), the initial GMMs (k-means++ and Lloyd on each side),
 *   then per iteration: assign GMM components -> learn GMMs -> build the graph -> cut -> energy.
 *
 * Energy. Pixel p with label a (fg = labels 1/3, bg = 0/2) costs
 *   D_a(p) = min_k [ -log w_k + 0.5 log det S_k + 1.5 log 2pi + 0.5 (z-mu_k)^T S_k^-1 (z-mu_k)
 *                    + 0.5 ridge tr S_k^-1 ]                        (k over the components of GMM a)
 * i.e. the paper's data term with the component index minimised out, plus the ridge's term (see
 * gmm.cpp); a neighbour pair with different labels costs gamma / dist(p,q) exp(-beta |z_p-z_q|^2).
 * E = sum_p D_{a_p}(p) + sum of those pairs, seeds included (their labels never change).
 * Each step cannot raise E: the assignment picks each pixel's minimising component, the refit is
 * the exact minimiser for that assignment (ML weights n_k/n, means and covariances + ridge), and the
 * cut is an exact minimum of E for the current GMMs. In floating point the comparison can still
 * flip by a rounding, so an iteration whose energy would exceed the previous one is not taken:
 * the previous labels stay and the loop stops (report->iterations says how many were run).
 *
 * The graph: source = foreground. Seeds cannot move, so they are taken out of it exactly: a free
 * pixel's n-link to a foreground seed is cut iff the pixel ends up background, so it joins the
 * pixel's source capacity (background seeds: its sink capacity). A free pixel thus gets source
 * capacity D_bg - m + (n-links to fg seeds) and sink capacity D_fg - m + (n-links to bg seeds),
 * m = min(D_fg, D_bg); n-links between free pixels stay. The first cut is a fresh max-flow; the
 * later ones only change t-links and start from the previous flow (GridMaxflow::resolve).
 *
 * Hot loops are float, structure-of-arrays, in blocks that the compiler vectorises; exp of the
 * n-links comes from two small tables of det_exp values (|z_p - z_q|^2 is an integer), so the
 * results are bit-identical wherever IEEE-754 float/double arithmetic is.
 */
#include <cmath>
#include <cstring>

#include "internal.h"

namespace {

const double RIDGE = 1e-2;          /* covariance ridge, in 8-bit colour units squared */
const double MAX_GAMMA = 1e30;      /* keeps capacities (up to 8 gamma + data terms) finite in float */
const size_t BLOCK = 256;           /* pixels per block of the component evaluation */

const int DX[4] = {1, 0, 1, -1};
const int DY[4] = {0, 1, 1, 1};

/* One GMM in evaluation form: D(z) = c + h0 d0^2 + h1 d1^2 + h2 d2^2 + h3 d0 d1 + h4 d0 d2 + h5 d1 d2. */
struct Model {
  int k;
  float mu[DI_MAX_COMPONENTS][3];
  float h[DI_MAX_COMPONENTS][6];
  float c[DI_MAX_COMPONENTS];
};

Model make_model(const di_gmm &g) {
  Model m;
  std::memset(&m, 0, sizeof m);
  m.k = g.k;
  for (int c = 0; c < g.k; ++c) {
    const double *v = g.inv[c];
    for (int j = 0; j < 3; ++j) m.mu[c][j] = static_cast<float>(g.mean[c][j]);
    m.h[c][0] = static_cast<float>(0.5 * v[0]);
    m.h[c][1] = static_cast<float>(0.5 * v[4]);
    m.h[c][2] = static_cast<float>(0.5 * v[8]);
    m.h[c][3] = static_cast<float>(v[1]);
    m.h[c][4] = static_cast<float>(v[2]);
    m.h[c][5] = static_cast<float>(v[5]);
    m.c[c] = static_cast<float>(-g.log_norm[c] + 0.5 * RIDGE * (v[0] + v[4] + v[8]));
  }
  return m;
}

/* best[p] = min_k D_k(z_p) and arg[p] = the first minimising k, for the `len` pixels of a block
 * (len <= BLOCK; a constant len lets the compiler vectorise without a scalar remainder). */
template <size_t LEN>
inline void evaluate_block(const Model &m, const float *__restrict r, const float *__restrict g,
                           const float *__restrict b, float *__restrict best_out, uint8_t *__restrict arg_out,
                           size_t len) {
  const size_t count = LEN ? LEN : len;
  float best[BLOCK];
  int32_t arg[BLOCK];
  for (int k = 0; k < m.k; ++k) {
    const float m0 = m.mu[k][0], m1 = m.mu[k][1], m2 = m.mu[k][2];
    const float h0 = m.h[k][0], h1 = m.h[k][1], h2 = m.h[k][2], h3 = m.h[k][3], h4 = m.h[k][4], h5 = m.h[k][5];
    const float c = m.c[k];
    if (k == 0) {
      for (size_t p = 0; p < count; ++p) {
        const float d0 = r[p] - m0, d1 = g[p] - m1, d2 = b[p] - m2;
        best[p] = c + (h0 * d0 * d0 + h1 * d1 * d1 + h2 * d2 * d2 + (h3 * d0 * d1 + h4 * d0 * d2 + h5 * d1 * d2));
        arg[p] = 0;
      }
    } else {
      for (size_t p = 0; p < count; ++p) {
        const float d0 = r[p] - m0, d1 = g[p] - m1, d2 = b[p] - m2;
        const float v = c + (h0 * d0 * d0 + h1 * d1 * d1 + h2 * d2 * d2 + (h3 * d0 * d1 + h4 * d0 * d2 + h5 * d1 * d2));
        const int32_t lt = -static_cast<int32_t>(v < best[p]); /* all ones where v is smaller */
        arg[p] = (arg[p] & ~lt) | (k & lt);
        best[p] = v < best[p] ? v : best[p];
      }
    }
  }
  for (size_t p = 0; p < count; ++p) {
    best_out[p] = best[p];
    arg_out[p] = static_cast<uint8_t>(arg[p]);
  }
}

/* best[p] = min_k D_k(z_p), arg[p] = the first minimising k, for pixels [0, n). */
void evaluate(const Model &m, const float *r, const float *g, const float *b, size_t n, float *best, uint8_t *arg) {
  size_t s = 0;
  for (; s + BLOCK <= n; s += BLOCK) evaluate_block<BLOCK>(m, r + s, g + s, b + s, best + s, arg + s, BLOCK);
  if (s < n) evaluate_block<0>(m, r + s, g + s, b + s, best + s, arg + s, n - s);
}

struct GrabCut {
  int w, h, conn, half;
  size_t n;
  const di_grabcut_params &prm;
  std::vector<float> r, g, b;          /* colours, SoA */
  std::vector<uint8_t> seed;           /* 0 free, 1 fg seed, 2 bg seed */
  std::vector<uint8_t> alpha;          /* current labels: 1 fg, 0 bg */
  std::vector<float> edge_free;        /* n-links between free pixels (C ABI layout; 0 where a seed is) */
  std::vector<float> to_fg_seed;       /* sum of a free pixel's n-links to foreground seeds */
  std::vector<float> to_bg_seed;       /* ... and to background seeds */
  double seed_pairs = 0.0;             /* n-links between foreground and background seeds */
  std::vector<float> dfg, dbg;         /* data terms under the current GMMs */
  std::vector<uint8_t> afg, abg;       /* their minimising components */
  std::vector<uint8_t> comp;           /* component assignment used by the refit */
  std::vector<float> src, snk;         /* t-links */
  std::vector<float> prev_src, prev_snk; /* those of the last cut */
  std::vector<uint8_t> cut;
  di_gmm gmm[2];                       /* [0] background, [1] foreground */
  double beta = 0.0;

  GrabCut(int w_, int h_, const di_grabcut_params &p)
      : w(w_), h(h_), conn(p.connectivity), half(p.connectivity / 2),
        n(static_cast<size_t>(w_) * static_cast<size_t>(h_)), prm(p) {}

  void load(const uint8_t *rgb, const uint8_t *labels) {
    r.resize(n);
    g.resize(n);
    b.resize(n);
    seed.resize(n);
    alpha.resize(n);
    for (size_t i = 0; i < n; ++i) {
      r[i] = rgb[3 * i];
      g[i] = rgb[3 * i + 1];
      b[i] = rgb[3 * i + 2];
      const uint8_t l = labels[i];
      alpha[i] = (l == 1 || l == 3) ? 1 : 0;
      seed[i] = l == 1 ? 1 : l == 0 ? 2 : 0;
    }
  }

  /* The pixels p whose neighbour q = p + (DX[d], DY[d]) is inside: x in [x0, x1), y in [0, y1). */
  void range(int d, int &x0, int &x1, int &y1) const {
    x0 = DX[d] < 0 ? 1 : 0;
    x1 = DX[d] > 0 ? w - 1 : w;
    y1 = DY[d] > 0 ? h - 1 : h;
  }

  /* beta = 1 / (2 mean |z_p - z_q|^2) over the neighbour pairs (0 for a constant image), then
   * the n-links, with those that touch a seed folded into the free pixels' t-links. */
  void nlinks(const uint8_t *rgb) {
    uint64_t sum = 0, pairs = 0;
    for (int d = 0; d < half; ++d) {
      int x0, x1, y1;
      range(d, x0, x1, y1);
      const ptrdiff_t dq = static_cast<ptrdiff_t>(DY[d]) * w + DX[d];
      for (int y = 0; y < y1; ++y) {
        const uint8_t *row = rgb + 3 * static_cast<size_t>(y) * w;
        uint64_t rs = 0;
        for (int x = x0; x < x1; ++x) {
          const uint8_t *zp = row + 3 * x, *zq = zp + 3 * dq;
          const int a = zp[0] - zq[0], c = zp[1] - zq[1], e = zp[2] - zq[2];
          rs += static_cast<uint64_t>(a * a + c * c + e * e);
        }
        sum += rs;
        pairs += x1 > x0 ? static_cast<uint64_t>(x1 - x0) : 0;
      }
    }
    beta = (pairs > 0 && sum > 0) ? 1.0 / (2.0 * static_cast<double>(sum) / static_cast<double>(pairs)) : 0.0;
    /* exp(-beta d2) = T_hi[d2 >> 9] * T_lo[d2 & 511], d2 <= 3 * 255^2 */
    double thi[382], tlo[512];
    for (int i = 0; i < 382; ++i) thi[i] = di::det_exp(-beta * (512.0 * i));
    for (int i = 0; i < 512; ++i) tlo[i] = di::det_exp(-beta * i);
    const double wgt[4] = {prm.gamma, prm.gamma, prm.gamma / std::sqrt(2.0), prm.gamma / std::sqrt(2.0)};
    /* Seeds never change, so they leave the graph (exactly): a free pixel's n-link to a
     * foreground seed is cut iff the pixel is background, i.e. it joins its source t-link, and
     * likewise for background seeds; n-links between two seeds add a constant. */
    edge_free.assign(n * static_cast<size_t>(half), 0.0f);
    to_fg_seed.assign(n, 0.0f);
    to_bg_seed.assign(n, 0.0f);
    seed_pairs = 0.0;
    for (int d = 0; d < half; ++d) {
      int x0, x1, y1;
      range(d, x0, x1, y1);
      const ptrdiff_t dq = static_cast<ptrdiff_t>(DY[d]) * w + DX[d];
      const double wd = wgt[d];
      for (int y = 0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
          const size_t p = static_cast<size_t>(y) * w + x, q = p + dq;
          const uint8_t *zp = rgb + 3 * p, *zq = rgb + 3 * q;
          const int a = zp[0] - zq[0], c = zp[1] - zq[1], e = zp[2] - zq[2];
          const int d2 = a * a + c * c + e * e;
          const float v = static_cast<float>(wd * (thi[d2 >> 9] * tlo[d2 & 511]));
          const uint8_t sp = seed[p], sq = seed[q];
          if (!sp && !sq)
            edge_free[half * p + d] = v;
          else if (sp && sq)
            seed_pairs += sp != sq ? v : 0.0f;
          else if (sp)
            (sp == 1 ? to_fg_seed : to_bg_seed)[q] += v;
          else
            (sq == 1 ? to_fg_seed : to_bg_seed)[p] += v;
        }
    }
  }

  /* Initial GMMs: k-means++ and Lloyd on each side's colours, ML fit. With models_from_seeds a
   * side with hard seeds is fitted to those alone. */
  void init_gmms() {
    for (int side = 0; side < 2; ++side) {
      const uint8_t seed_label = side ? 1 : 2;
      size_t seeds = 0;
      for (size_t i = 0; i < n; ++i) seeds += seed[i] == seed_label;
      const bool only_seeds = prm.models_from_seeds && seeds > 0;
      auto member = [&](size_t i) { return only_seeds ? seed[i] == seed_label : alpha[i] == side; };
      size_t count = 0;
      for (size_t i = 0; i < n; ++i) count += member(i);
      std::vector<float> x;
      x.reserve(3 * count);
      for (size_t i = 0; i < n; ++i)
        if (member(i)) {
          x.push_back(r[i]);
          x.push_back(g[i]);
          x.push_back(b[i]);
        }
      const int k = count < static_cast<size_t>(prm.components) ? static_cast<int>(count) : prm.components;
      const uint32_t s = prm.seed ^ (side ? 0x9E3779B9u : 0u);
      di::gmm_fit(x.data(), count, k, s, 0, RIDGE, gmm[side]);
    }
  }

  /* comp[p] = the minimising component of p's own GMM (first iteration: evaluated afresh; later
   * ones: kept from the last evaluation, which used the same GMMs). */
  void assign(bool fresh) {
    comp.resize(n);
    if (fresh) {
      std::vector<float> tmp(n);
      std::vector<uint8_t> a0(n), a1(n);
      Model m0 = make_model(gmm[0]), m1 = make_model(gmm[1]);
      evaluate(m0, r.data(), g.data(), b.data(), n, tmp.data(), a0.data());
      evaluate(m1, r.data(), g.data(), b.data(), n, tmp.data(), a1.data());
      for (size_t i = 0; i < n; ++i) comp[i] = alpha[i] ? a1[i] : a0[i];
    } else {
      for (size_t i = 0; i < n; ++i) comp[i] = alpha[i] ? afg[i] : abg[i];
    }
  }

  /* The exact ML refit (plus ridge) of each side's GMM for that assignment; a side without pixels
   * keeps its GMM (the energy does not depend on it then). */
  void learn() {
    /* one pass of sums about the previous means (close to the new ones, so no cancellation):
     * S1 = sum (z - ref), S2 = sum (z - ref)(z - ref)^T, then mean = ref + S1/n and scatter
     * = S2 - S1 S1^T / n */
    double acc[2][DI_MAX_COMPONENTS][10];
    std::memset(acc, 0, sizeof acc);
    float ref[2][DI_MAX_COMPONENTS][3];
    for (int s = 0; s < 2; ++s)
      for (int c = 0; c < gmm[s].k; ++c)
        for (int j = 0; j < 3; ++j) ref[s][c][j] = static_cast<float>(gmm[s].mean[c][j]);
    for (size_t i = 0; i < n; ++i) {
      const int s = alpha[i], c = comp[i];
      double *a = acc[s][c];
      const float *m = ref[s][c];
      const double u = r[i] - m[0], v = g[i] - m[1], t = b[i] - m[2];
      a[0] += 1.0;
      a[1] += u;
      a[2] += v;
      a[3] += t;
      a[4] += u * u;
      a[5] += u * v;
      a[6] += u * t;
      a[7] += v * v;
      a[8] += v * t;
      a[9] += t * t;
    }
    for (int s = 0; s < 2; ++s) {
      di::GaussMoments mom[DI_MAX_COMPONENTS];
      double total = 0.0;
      for (int c = 0; c < gmm[s].k; ++c) {
        const double *a = acc[s][c];
        di::GaussMoments &m = mom[c];
        m.n = a[0];
        total += a[0];
        if (!(a[0] > 0.0)) {
          std::memset(&m, 0, sizeof m);
          continue;
        }
        const double s1[3] = {a[1] / a[0], a[2] / a[0], a[3] / a[0]};
        for (int j = 0; j < 3; ++j) m.mean[j] = ref[s][c][j] + s1[j];
        m.s[0] = a[4] - a[1] * s1[0];
        m.s[1] = a[5] - a[1] * s1[1];
        m.s[2] = a[6] - a[1] * s1[2];
        m.s[3] = a[7] - a[2] * s1[1];
        m.s[4] = a[8] - a[2] * s1[2];
        m.s[5] = a[9] - a[3] * s1[2];
      }
      if (!(total > 0.0)) continue; /* no pixel on this side: keep its GMM */
      int remap[DI_MAX_COMPONENTS];
      di::gmm_from_moments(mom, gmm[s].k, total, RIDGE, gmm[s], remap);
    }
  }

  /* Data terms under the new GMMs, then the t-links. */
  void tlinks() {
    dfg.resize(n);
    dbg.resize(n);
    afg.resize(n);
    abg.resize(n);
    src.resize(n);
    snk.resize(n);
    const Model m0 = make_model(gmm[0]), m1 = make_model(gmm[1]);
    evaluate(m0, r.data(), g.data(), b.data(), n, dbg.data(), abg.data());
    evaluate(m1, r.data(), g.data(), b.data(), n, dfg.data(), afg.data());
    for (size_t i = 0; i < n; ++i) {
      const float f = dfg[i], k = dbg[i];
      const float m = f < k ? f : k;
      const bool free = seed[i] == 0;
      src[i] = free ? (k - m) + to_fg_seed[i] : 0.0f;
      snk[i] = free ? (f - m) + to_bg_seed[i] : 0.0f;
    }
  }

  /* E of labels `lab` (1 fg; seeds as seeded) with the t-links just built, summed as the cut sees
   * it: each free pixel's t-link on its side (its data term less m, plus its n-links to seeds of
   * the other label) and m, each seed's data term, the n-links between free pixels of different
   * labels, and those between foreground and background seeds. */
  double energy(const uint8_t *lab) const {
    /* four interleaved partial sums: a fixed order (so the same bits everywhere) without one long
     * chain of dependent additions */
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    for (size_t i = 0; i < n; ++i) {
      const float f = dfg[i], k = dbg[i];
      double t;
      if (seed[i]) {
        t = seed[i] == 1 ? f : k;
      } else {
        const float m = f < k ? f : k;
        t = static_cast<double>(lab[i] ? snk[i] : src[i]) + static_cast<double>(m);
      }
      acc[i & 3] += t;
    }
    const double data = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    double sm[4] = {0.0, 0.0, 0.0, 0.0};
    for (int d = 0; d < half; ++d) {
      int x0, x1, y1;
      range(d, x0, x1, y1);
      const ptrdiff_t dq = static_cast<ptrdiff_t>(DY[d]) * w + DX[d];
      for (int y = 0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
          const size_t p = static_cast<size_t>(y) * w + x;
          sm[x & 3] += lab[p] != lab[p + dq] ? static_cast<double>(edge_free[half * p + d]) : 0.0;
        }
    }
    const double smooth = seed_pairs + ((sm[0] + sm[1]) + (sm[2] + sm[3]));
    return data + smooth;
  }

  void run(const uint8_t *rgb, uint8_t *labels, di_grabcut_report &rep) {
    load(rgb, labels);
    nlinks(rgb);
    init_gmms();
    di::GridMaxflow mf(w, h, conn);
    cut.resize(n);
    rep.beta = beta;
    rep.iterations = 0;
    double prev = 0.0;
    for (int it = 0; it < prm.iterations; ++it) {
      assign(it == 0);
      learn();
      tlinks();
      if (it == 0)
        mf.solve(src.data(), snk.data(), edge_free.data(), cut.data());
      else
        mf.resolve(src.data(), snk.data(), prev_src.data(), prev_snk.data(), cut.data());
      for (size_t i = 0; i < n; ++i)
        if (seed[i]) cut[i] = seed[i] == 1 ? 1 : 0;
      const double e = energy(cut.data());
      prev_src.swap(src);
      prev_snk.swap(snk);
      if (it > 0 && e > prev) break; /* a rounding flip: keep the previous labels */
      alpha.swap(cut);
      rep.energy[it] = e;
      rep.iterations = it + 1;
      prev = e;
    }
    for (size_t i = 0; i < n; ++i) labels[i] = seed[i] == 1 ? 1 : seed[i] == 2 ? 0 : alpha[i] ? 3 : 2;
  }
};

int grabcut_checked(const uint8_t *rgb, int width, int height, uint8_t *labels, const di_grabcut_params *params,
                    di_grabcut_report *report) {
  const char *fn = "di_grabcut";
  if (!rgb) return di::fail(DI_E_ARGUMENT, "%s: rgb is NULL", fn);
  if (int rc = di::check_image_size(fn, width, height)) return rc;
  if (!labels) return di::fail(DI_E_ARGUMENT, "%s: labels is NULL", fn);
  if (!params) return di::fail(DI_E_ARGUMENT, "%s: params is NULL (di_grabcut_defaults fills one)", fn);
  const di_grabcut_params &p = *params;
  if (p.components < 1 || p.components > DI_MAX_COMPONENTS)
    return di::fail(DI_E_ARGUMENT, "%s: params->components must be in 1..%d, got %d", fn, DI_MAX_COMPONENTS,
                    p.components);
  if (p.iterations < 1 || p.iterations > DI_GRABCUT_MAX_ITERATIONS)
    return di::fail(DI_E_ARGUMENT, "%s: params->iterations must be in 1..%d, got %d", fn, DI_GRABCUT_MAX_ITERATIONS,
                    p.iterations);
  if (!std::isfinite(p.gamma))
    return di::fail(DI_E_VALUE, "%s: params->gamma is %g, not finite", fn, p.gamma);
  if (p.gamma < 0.0 || p.gamma > MAX_GAMMA)
    return di::fail(DI_E_ARGUMENT, "%s: params->gamma must be in [0, %g], got %g", fn, MAX_GAMMA, p.gamma);
  if (p.connectivity != 4 && p.connectivity != 8)
    return di::fail(DI_E_ARGUMENT, "%s: params->connectivity must be 4 or 8, got %d", fn, p.connectivity);
  if (p.models_from_seeds != 0 && p.models_from_seeds != 1)
    return di::fail(DI_E_ARGUMENT, "%s: params->models_from_seeds must be 0 or 1, got %d", fn, p.models_from_seeds);
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  size_t fg = 0, bg = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t l = labels[i];
    if (l > 3)
      return di::fail(DI_E_ARGUMENT, "%s: labels[%zu] (x=%zu, y=%zu) is %u, must be 0..3", fn, i, i % width,
                      i / width, static_cast<unsigned>(l));
    if (l == 1 || l == 3)
      ++fg;
    else
      ++bg;
  }
  if (fg == 0) return di::fail(DI_E_SEEDS, "%s: labels has no foreground pixel (1 or 3)", fn);
  if (bg == 0) return di::fail(DI_E_SEEDS, "%s: labels has no background pixel (0 or 2)", fn);

  GrabCut gc(width, height, p);
  di_grabcut_report rep;
  std::memset(&rep, 0, sizeof rep);
  gc.run(rgb, labels, rep); /* writes labels only at its very end */
  if (report) *report = rep;
  return DI_OK;
}

} // namespace

extern "C" void di_grabcut_defaults(di_grabcut_params *p) {
  if (!p) return;
  p->components = 5;
  p->iterations = 5;
  p->gamma = 50.0;
  p->connectivity = 8;
  p->seed = 0;
  p->models_from_seeds = 0;
}

extern "C" int di_grabcut(const uint8_t *rgb, int width, int height, uint8_t *labels, const di_grabcut_params *params,
                          di_grabcut_report *report) {
  return di::guarded("di_grabcut", [&] { return grabcut_checked(rgb, width, height, labels, params, report); });
}
