/*
 * The CUDA functions (deepinside.h, "CUDA") against the CPU core: CMake target
 * deepinside_cuda_test, built when the CUDA kernels are (see CMakeLists.txt).
 *
 *   1. argument errors: the same codes as the CPU functions, device or not;
 *   2. the GPU max-flow algorithm (native/cuda/pushrelabel.h) run on the host, sequentially,
 *      against di_maxflow_grid: this part needs no GPU;
 *   3. with a device: random GMMs (K = 1..16 full-covariance components) on batches of images,
 *      -log p against di_gmm_loglik within 1e-5 relative; batches of random 4- and 8-connected
 *      grids (8x8 to 224x224; zero, small, very large capacities; GrabCut-like graphs) solved on the
 *      GPU and one by one by di_maxflow_grid: the flow values must agree within 1e-6 relative, and
 *      the capacity of the GPU's cut must equal the CPU's flow (minimum cuts may differ when not
 *      unique; the GPU's source side must contain the CPU's, the smallest one). Each case prints
 *      the CPU loop's time, the GPU batch's (whole call, and its kernels), and their ratio.
 * Without a device part 3 is skipped with a message saying why, and the exit code is 0.
 * Ends with "N passed, N failed"; exit code 1 on any failure.
 *
 *   deepinside_cuda_test [--quick]     --quick: smaller batches
 *
 * The file compiles to nothing outside that target (DEEPINSIDE_HAVE_CUDA undefined), since
 * test/core-cpp.test.ts builds every .cpp file of native/test into core_test.
 */
#ifdef DEEPINSIDE_HAVE_CUDA
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../cuda/kernels.h"
#include "../src/internal.h"
#include "check.h"
#include "deepinside.h"

#define DI_PR_FN inline
#include "../cuda/pushrelabel.h"

namespace {

using Rng = SaltedRng<7>;

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/* ------------------------------------------------------------------ grids */

enum Kind { RANDOM, SPARSE, HUGE_CAPS, GRABCUT, ZERO, KINDS };
const char *KIND_NAME[KINDS] = {"random", "zeros", "huge", "grabcut", "all-zero"};

struct Batch {
  int w, h, conn, count;
  std::vector<float> src, snk, edge;
  size_t n() const { return static_cast<size_t>(w) * h; }
};

const int DX[4] = {1, 0, 1, -1};
const int DY[4] = {0, 1, 1, 1};

/* One GrabCut-like graph: a noisy image with an elliptic object, GMMs (K = 5) fitted to the object
 * and to the rest, data terms -log p, border pixels hard background, contrast-sensitive edges. */
void grabcut_grid(Rng &rng, int w, int h, int conn, float *src, float *snk, float *edge) {
  const size_t n = static_cast<size_t>(w) * h;
  std::vector<float> rgb(3 * n);
  std::vector<uint8_t> inside(n);
  const double cx = w * (0.4 + 0.2 * rng.uniform()), cy = h * (0.4 + 0.2 * rng.uniform());
  const double rx = w * (0.15 + 0.2 * rng.uniform()), ry = h * (0.15 + 0.2 * rng.uniform());
  double fgc[3], bgc[3];
  for (int j = 0; j < 3; ++j) {
    fgc[j] = 40 + 180 * rng.uniform();
    bgc[j] = 40 + 180 * rng.uniform();
  }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      const double u = (x - cx) / rx, v = (y - cy) / ry;
      inside[i] = u * u + v * v < 1.0;
      for (int j = 0; j < 3; ++j) {
        const double base = inside[i] ? fgc[j] : bgc[j] + 30.0 * x / w;
        rgb[3 * i + j] = static_cast<float>(std::min(255.0, std::max(0.0, base + 25.0 * rng.normal())));
      }
    }
  std::vector<float> fs, bs;
  for (size_t i = 0; i < n; ++i) (inside[i] ? fs : bs).insert((inside[i] ? fs : bs).end(), &rgb[3 * i], &rgb[3 * i + 3]);
  if (fs.size() < 30) fs.assign(rgb.begin(), rgb.begin() + 30);
  if (bs.size() < 30) bs.assign(rgb.end() - 30, rgb.end());
  di_gmm fg, bg;
  di_gmm_fit(fs.data(), fs.size() / 3, 5, 1, 3, &fg);
  di_gmm_fit(bs.data(), bs.size() / 3, 5, 2, 3, &bg);
  std::vector<float> lf(n), lb(n);
  di_gmm_loglik(&fg, rgb.data(), n, lf.data());
  di_gmm_loglik(&bg, rgb.data(), n, lb.data());
  double sum = 0;
  size_t pairs = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int d = 0; d < conn / 2; ++d) {
        const int nx = x + DX[d], ny = y + DY[d];
        if (nx < 0 || nx >= w || ny >= h) continue;
        for (int j = 0; j < 3; ++j) {
          const double c = rgb[3 * (static_cast<size_t>(y) * w + x) + j] - rgb[3 * (static_cast<size_t>(ny) * w + nx) + j];
          sum += c * c;
        }
        ++pairs;
      }
  const double beta = pairs && sum > 0 ? 1.0 / (2.0 * sum / pairs) : 0.0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      const bool border = x == 0 || y == 0 || x == w - 1 || y == h - 1;
      /* -log p_bg is paid when p goes to the sink (background) side; both terms shifted to >= 0 */
      const float m = std::min(-lb[i], -lf[i]);
      src[i] = border ? 0.0f : -lb[i] - m;
      snk[i] = border ? 1e9f : -lf[i] - m;
      for (int d = 0; d < conn / 2; ++d) {
        const int nx = x + DX[d], ny = y + DY[d];
        float v = 0;
        if (nx >= 0 && nx < w && ny < h) {
          double c2 = 0;
          for (int j = 0; j < 3; ++j) {
            const double c = rgb[3 * i + j] - rgb[3 * (static_cast<size_t>(ny) * w + nx) + j];
            c2 += c * c;
          }
          v = static_cast<float>(50.0 * std::exp(-beta * c2) / (d >= 2 ? std::sqrt(2.0) : 1.0));
        }
        edge[(conn / 2) * i + d] = v;
      }
    }
}

Batch make_batch(Rng &rng, Kind kind, int w, int h, int conn, int count) {
  Batch b{w, h, conn, count, {}, {}, {}};
  const size_t n = b.n(), half = conn / 2;
  b.src.assign(count * n, 0.0f);
  b.snk.assign(count * n, 0.0f);
  b.edge.assign(count * n * half, 0.0f);
  for (int k = 0; k < count; ++k) {
    float *s = &b.src[k * n], *t = &b.snk[k * n], *e = &b.edge[k * n * half];
    if (kind == GRABCUT) {
      grabcut_grid(rng, w, h, conn, s, t, e);
      continue;
    }
    if (kind == ZERO) continue;
    for (size_t i = 0; i < n; ++i) {
      switch (kind) {
      case RANDOM:
        s[i] = static_cast<float>(10 * rng.uniform());
        t[i] = static_cast<float>(10 * rng.uniform());
        break;
      case SPARSE:
        s[i] = rng.uniform() < 0.8 ? 0.0f : static_cast<float>(5 * rng.uniform());
        t[i] = rng.uniform() < 0.8 ? 0.0f : static_cast<float>(5 * rng.uniform());
        break;
      default: { /* HUGE_CAPS: hard seeds, a few near FLT_MAX, among small ones */
        s[i] = static_cast<float>(5 * rng.uniform());
        t[i] = static_cast<float>(5 * rng.uniform());
        const double q = rng.uniform();
        if (q < 0.04) s[i] = 1e9f;
        else if (q < 0.08) t[i] = 1e9f;
        else if (q < 0.081) s[i] = 3e38f;
        else if (q < 0.082) t[i] = 3e38f;
      }
      }
      for (size_t d = 0; d < half; ++d) {
        float v;
        if (kind == RANDOM) v = static_cast<float>(5 * rng.uniform());
        else if (kind == SPARSE) v = rng.uniform() < 0.5 ? 0.0f : static_cast<float>(3 * rng.uniform());
        else v = rng.uniform() < 0.02 ? 1e30f : static_cast<float>(2 * rng.uniform());
        e[half * i + d] = v;
      }
    }
  }
  return b;
}

double cut_cost(const Batch &b, int k, const uint8_t *label) {
  const size_t n = b.n();
  const int half = b.conn / 2;
  const float *s = &b.src[k * n], *t = &b.snk[k * n], *e = &b.edge[k * n * half];
  double c = 0;
  for (int y = 0; y < b.h; ++y)
    for (int x = 0; x < b.w; ++x) {
      const size_t i = static_cast<size_t>(y) * b.w + x;
      c += label[i] ? t[i] : s[i];
      for (int d = 0; d < half; ++d) {
        const int nx = x + DX[d], ny = y + DY[d];
        if (nx < 0 || nx >= b.w || ny >= b.h) continue;
        if (label[i] != label[static_cast<size_t>(ny) * b.w + nx]) c += e[half * i + d];
      }
    }
  return c;
}

struct CpuResult {
  std::vector<uint8_t> label;
  std::vector<double> flow;
  double ms;
};

CpuResult cpu_solve(const Batch &b) {
  const size_t n = b.n(), half = b.conn / 2;
  CpuResult r;
  r.label.resize(b.count * n);
  r.flow.resize(b.count);
  const double t0 = now_ms();
  for (int k = 0; k < b.count; ++k) {
    const int rc = di_maxflow_grid(b.w, b.h, b.conn, &b.src[k * n], &b.snk[k * n], &b.edge[k * n * half],
                                   &r.label[k * n], &r.flow[k]);
    CHECK(rc == DI_OK, "di_maxflow_grid: %s", di_last_error());
  }
  r.ms = now_ms() - t0;
  return r;
}

/* Compares a batch's labels and flows with the CPU's; returns true when all agree. */
bool compare(const char *what, const Batch &b, const CpuResult &cpu, const std::vector<uint8_t> &label,
             const std::vector<double> &flow, std::string &summary) {
  const size_t n = b.n();
  const double tol = 1e-6;
  double worst_flow = 0, worst_cut = 0;
  int same = 0, not_superset = 0, bad = 0;
  for (int k = 0; k < b.count; ++k) {
    const double want = cpu.flow[k], scale = std::max(1.0, std::fabs(want));
    const double df = std::fabs(flow[k] - want) / scale;
    const double dc = std::fabs(cut_cost(b, k, &label[k * n]) - want) / scale;
    worst_flow = std::max(worst_flow, df);
    worst_cut = std::max(worst_cut, dc);
    bool eq = true, sup = true;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t c = cpu.label[k * n + i], g = label[k * n + i];
      if (c != g) eq = false;
      if (c && !g) sup = false;
    }
    same += eq;
    not_superset += !sup;
    if (!(df <= tol) || !(dc <= tol)) {
      if (bad++ < 3)
        std::printf("  %s grid %d: flow cpu %.17g gpu %.17g, gpu cut %.17g\n", what, k, want, flow[k],
                    cut_cost(b, k, &label[k * n]));
    }
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "flow max rel diff %.1e, cut %.1e, same labels %d/%d", worst_flow, worst_cut, same,
                b.count);
  summary = buf;
  CHECK(bad == 0, "%s: %d of %d grids disagree with the CPU (%s)", what, bad, b.count, buf);
  /* exact arithmetic would make this certain; rounding can only blur it on near-ties */
  CHECK(not_superset == 0, "%s: on %d grids the GPU's source side lacks nodes of the CPU's smallest one", what,
        not_superset);
  return bad == 0;
}

/* ------------------------------------------------------------------ 1. argument errors */

void test_errors(bool have_device) {
  float f[512] = {0}, out[64];
  uint8_t lab[64];
  double flow[4];
  di_gmm g;
  std::memset(&g, 0, sizeof g);
  g.k = 1;
  g.weight[0] = 1;
  g.cov[0][0] = g.cov[0][4] = g.cov[0][8] = 1;
  auto code = [](int rc, int want, const char *needle, const char *what) {
    CHECK(rc == want && std::strstr(di_last_error(), needle), "%s: rc %d (want %d), message '%s' (want '%s')", what,
          rc, want, di_last_error(), needle);
  };
  code(di_cuda_maxflow_grid_batch(0, 4, 4, 4, f, f, f, lab, flow), DI_E_SIZE, "batch must be at least 1", "batch 0");
  code(di_cuda_maxflow_grid_batch(1, 0, 4, 4, f, f, f, lab, flow), DI_E_SIZE, "width", "width 0");
  code(di_cuda_maxflow_grid_batch(1, 4, 4, 6, f, f, f, lab, flow), DI_E_ARGUMENT, "connectivity", "connectivity 6");
  code(di_cuda_maxflow_grid_batch(1, 4, 4, 4, f, f, nullptr, lab, flow), DI_E_ARGUMENT, "edge_cap is NULL", "null");
  code(di_cuda_maxflow_grid_batch(1 << 20, 2048, 2048, 4, f, f, f, lab, flow), DI_E_SIZE, "exceeds", "huge batch");
  float bad[512] = {0};
  bad[35] = NAN;
  code(di_cuda_maxflow_grid_batch(3, 4, 4, 4, f, bad, f, lab, flow), DI_E_VALUE, "sink_cap[35] (grid 2, pixel 3)",
       "NaN sink");
  bad[35] = 0;
  bad[4 * 15 + 3] = -1; /* grid 0, pixel (3, 3), down-left: outside the grid, ignored */
  bad[4 * 21] = -1;     /* grid 1, pixel (1, 1), right */
  code(di_cuda_maxflow_grid_batch(2, 4, 4, 8, f, f, bad, lab, flow), DI_E_ARGUMENT, "edge_cap[84] (grid 1)",
       "negative edge");
  code(di_cuda_gmm_loglik_batch(0, 4, f, &g, &g, out, out), DI_E_SIZE, "batch", "gmm batch 0");
  code(di_cuda_gmm_loglik_batch(1, 0, f, &g, &g, out, out), DI_E_SIZE, "n must be at least 1", "gmm n 0");
  code(di_cuda_gmm_loglik_batch(1, 4, f, &g, &g, out, nullptr), DI_E_ARGUMENT, "give both or neither", "bg_nll");
  di_gmm h = g;
  h.cov[0][0] = -1;
  code(di_cuda_gmm_loglik_batch(1, 4, f, &g, &h, out, out), DI_E_VALUE, "bg[0].cov[0] is not positive definite",
       "gmm cov");
  bad[5] = INFINITY;
  code(di_cuda_gmm_loglik_batch(2, 4, bad, &g, nullptr, out, nullptr), DI_E_VALUE, "image 0, sample 1, channel 2",
       "gmm inf");
  /* valid input: runs, or says why not */
  const int rc = di_cuda_maxflow_grid_batch(1, 4, 4, 4, f, f, f, lab, flow);
  if (have_device)
    CHECK(rc == DI_OK && flow[0] == 0.0, "all-zero grid: rc %d (%s), flow %g", rc, di_last_error(), flow[0]);
  else
    code(rc, DI_E_UNAVAILABLE, "CUDA unavailable", "no device");
  const int rg = di_cuda_gmm_loglik_batch(1, 4, f, &g, nullptr, out, nullptr);
  if (have_device)
    CHECK(rg == DI_OK && std::fabs(out[0] - 2.7568156f) < 1e-5f, "gmm at the mean: rc %d (%s), %g", rg,
          di_last_error(), out[0]);
  else
    code(rg, DI_E_UNAVAILABLE, "CUDA unavailable", "no device, gmm");
}

/* ------------------------------------------------------------------ 2. the algorithm on the host */

struct HostExec {
  int w, h;
  int64_t np;
  template <class F> void nodes(F f) const {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) f(x, y, static_cast<int64_t>(y + 1) * (w + 2) + x + 1);
  }
  template <class F> void padded(F f) const {
    for (int64_t p = 0; p < np; ++p) f(p);
  }
  void sync() const {}
  bool any(bool v) const { return v; }
  void add(double *a, double v) const { *a += v; }
  double sum(double v) const { return v; }
};

void test_host_algorithm(bool quick) {
  Rng rng(11);
  struct Case {
    int w, h, count;
  };
  const Case cases[] = {{1, 1, 4}, {1, 37, 4}, {29, 1, 4}, {2, 2, 8}, {8, 8, 8}, {13, 7, 8}, {31, 17, 4}, {64, 64, 2}};
  int grids = 0;
  int64_t rounds = 0;
  const double t0 = now_ms();
  for (const Case &c : cases)
    for (int conn : {4, 8})
      for (int kind = 0; kind < KINDS; ++kind) {
        if (kind == GRABCUT && c.w * c.h < 16) continue;
        Batch b = make_batch(rng, static_cast<Kind>(kind), c.w, c.h, conn, quick ? 1 : c.count);
        CpuResult cpu = cpu_solve(b);
        std::vector<uint8_t> label(b.count * b.n());
        std::vector<double> flow(b.count);
        di_pr::Grid g = di_pr::make_grid(b.w, b.h, conn);
        std::vector<double> work(di_pr::grid_doubles(b.w, b.h, conn));
        std::vector<int32_t> heights(di_pr::grid_ints(b.w, b.h));
        g.rc = work.data();
        g.ex = g.rc + conn * g.padded;
        g.tc = g.ex + g.padded;
        g.ht = heights.data();
        HostExec e{b.w, b.h, g.padded};
        bool ok = true;
        for (int k = 0; k < b.count; ++k) {
          di_pr::Stats st;
          const size_t n = b.n();
          flow[k] = di_pr::solve(e, g, &b.src[k * n], &b.snk[k * n], &b.edge[k * n * (conn / 2)], &label[k * n], 0,
                                 16 * static_cast<int64_t>(n) + 100000, &st);
          ok = ok && st.status == 0;
          rounds += st.iterations;
        }
        CHECK(ok, "host run of the GPU algorithm did not converge");
        char what[96];
        std::snprintf(what, sizeof what, "host algorithm %dx%d c%d %s", b.w, b.h, conn, KIND_NAME[kind]);
        std::string summary;
        compare(what, b, cpu, label, flow, summary);
        grids += b.count;
      }
  /* one full-size GrabCut-like grid */
  Batch b = make_batch(rng, GRABCUT, 224, 224, 8, 1);
  CpuResult cpu = cpu_solve(b);
  di_pr::Grid g = di_pr::make_grid(224, 224, 8);
  std::vector<double> work(di_pr::grid_doubles(224, 224, 8));
  std::vector<int32_t> heights(di_pr::grid_ints(224, 224));
  g.rc = work.data();
  g.ex = g.rc + 8 * g.padded;
  g.tc = g.ex + g.padded;
  g.ht = heights.data();
  HostExec e{224, 224, g.padded};
  std::vector<uint8_t> label(b.n());
  std::vector<double> flow(1);
  di_pr::Stats st;
  flow[0] = di_pr::solve(e, g, b.src.data(), b.snk.data(), b.edge.data(), label.data(), 0, 1 << 30, &st);
  std::string summary;
  compare("host algorithm 224x224 c8 grabcut", b, cpu, label, flow, summary);
  std::printf("host run of the GPU max-flow algorithm: %d grids up to 64x64 (%lld rounds) and one 224x224 GrabCut "
              "graph (%lld rounds, %lld global relabels) agree with di_maxflow_grid (%.0f ms)\n",
              grids + 1, static_cast<long long>(rounds), static_cast<long long>(st.iterations),
              static_cast<long long>(st.relabels), now_ms() - t0);
}

/* ------------------------------------------------------------------ 3. on the device */

/* a random symmetric positive definite covariance, eigenvalues 4..2500 (colour units squared) */
void random_cov(Rng &rng, double *cov) {
  double a[9];
  for (double &v : a) v = rng.normal();
  /* c A A^T + diagonal */
  const double scale = 20 + 300 * rng.uniform();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += a[3 * i + k] * a[3 * j + k];
      cov[3 * i + j] = cov[3 * j + i] = s * scale + (i == j ? 4 + 40 * rng.uniform() : 0.0);
    }
}

di_gmm random_gmm(Rng &rng, int k) {
  di_gmm g;
  std::memset(&g, 0, sizeof g);
  g.k = k;
  for (int c = 0; c < k; ++c) {
    g.weight[c] = (k > 2 && c == 1) ? 0.0 : 0.1 + rng.uniform(); /* one unused component */
    for (int j = 0; j < 3; ++j) g.mean[c][j] = 255 * rng.uniform();
    random_cov(rng, g.cov[c]);
  }
  return g;
}

void test_gmm_device(bool quick) {
  Rng rng(21);
  struct Case {
    int batch;
    size_t n;
    int k;
  };
  const Case cases[] = {{1, 1, 1}, {3, 1000, 16}, {8, 224 * 224, 5}, {quick ? 8 : 64, 224 * 224, 5}};
  for (const Case &c : cases) {
    const size_t total = c.batch * c.n;
    std::vector<float> x(3 * total);
    for (size_t i = 0; i < 3 * total; ++i)
      x[i] = static_cast<float>(i % 97 == 0 ? (rng.uniform() < 0.5 ? -300.0 : 600.0) : 255 * rng.uniform());
    std::vector<di_gmm> fg(c.batch), bg(c.batch);
    for (int b = 0; b < c.batch; ++b) {
      fg[b] = random_gmm(rng, c.k);
      bg[b] = random_gmm(rng, c.k);
    }
    std::vector<float> cf(total), cb(total), gf(total), gb(total);
    const double t0 = now_ms();
    int cpu_rc = DI_OK;
    for (int b = 0; b < c.batch; ++b) {
      cpu_rc |= di_gmm_loglik(&fg[b], &x[3 * b * c.n], c.n, &cf[b * c.n]);
      cpu_rc |= di_gmm_loglik(&bg[b], &x[3 * b * c.n], c.n, &cb[b * c.n]);
    }
    const double t1 = now_ms();
    const int rc = di_cuda_gmm_loglik_batch(c.batch, c.n, x.data(), fg.data(), bg.data(), gf.data(), gb.data());
    const double t2 = now_ms();
    CHECK(cpu_rc == DI_OK, "di_gmm_loglik failed on the test's models");
    CHECK(rc == DI_OK, "di_cuda_gmm_loglik_batch: %s", di_last_error());
    double worst = 0;
    size_t bad = 0;
    for (size_t i = 0; i < total; ++i)
      for (int m = 0; m < 2; ++m) {
        const double want = -(m ? cb[i] : cf[i]), got = m ? gb[i] : gf[i];
        const double rel = std::fabs(got - want) / std::max(1.0, std::fabs(want));
        if (!(rel <= 1e-5)) {
          if (bad++ < 3) std::printf("  sample %zu model %d: cpu %.9g gpu %.9g\n", i, m, want, got);
        }
        if (rel > worst || rel != rel) worst = rel;
      }
    CHECK(bad == 0, "GMM batch %d x %zu K=%d: %zu values differ from the CPU by more than 1e-5 relative", c.batch, c.n,
          c.k, bad);
    std::printf("gmm   batch %3d x %6zu samples, K=%2d: %s, max rel diff %.1e; CPU %8.2f ms, GPU %7.2f ms, "
                "ratio %6.1fx\n",
                c.batch, c.n, c.k, bad ? "DISAGREE" : "agree", worst, t1 - t0, t2 - t1, (t1 - t0) / (t2 - t1));
  }
}

void test_maxflow_device(bool quick) {
  Rng rng(31);
  struct Case {
    int w, h, conn;
    Kind kind;
    int count;
  };
  std::vector<Case> cases;
  for (int conn : {4, 8}) {
    for (int kind = 0; kind < KINDS; ++kind) {
      cases.push_back({8, 8, conn, static_cast<Kind>(kind), 16});
      cases.push_back({31, 17, conn, static_cast<Kind>(kind), 16});
      cases.push_back({64, 64, conn, static_cast<Kind>(kind), quick ? 4 : 32});
    }
    cases.push_back({128, 96, conn, RANDOM, quick ? 2 : 16});
    cases.push_back({224, 224, conn, RANDOM, quick ? 2 : 8});
    cases.push_back({224, 224, conn, SPARSE, quick ? 2 : 8});
    cases.push_back({224, 224, conn, HUGE_CAPS, quick ? 2 : 8});
    cases.push_back({224, 224, conn, GRABCUT, 1});
    cases.push_back({224, 224, conn, GRABCUT, quick ? 4 : 16});
    cases.push_back({224, 224, conn, GRABCUT, quick ? 8 : 64});
  }
  double cpu_all = 0, gpu_all = 0;
  for (const Case &c : cases) {
    Batch b = make_batch(rng, c.kind, c.w, c.h, c.conn, c.count);
    CpuResult cpu = cpu_solve(b);
    std::vector<uint8_t> label(b.count * b.n());
    std::vector<double> flow(b.count);
    const double t0 = now_ms();
    const int rc = di_cuda_maxflow_grid_batch(b.count, b.w, b.h, b.conn, b.src.data(), b.snk.data(), b.edge.data(),
                                              label.data(), flow.data());
    const double gpu_ms = now_ms() - t0;
    const di_cuda::MaxflowReport rep = di_cuda::last_maxflow_report();
    char what[96];
    std::snprintf(what, sizeof what, "maxflow %3dx%-3d c%d %-8s batch %2d", b.w, b.h, b.conn, KIND_NAME[c.kind], b.count);
    CHECK(rc == DI_OK, "%s: %s", what, di_last_error());
    if (rc != DI_OK) continue;
    std::string summary;
    const bool ok = compare(what, b, cpu, label, flow, summary);
    cpu_all += cpu.ms;
    gpu_all += gpu_ms;
    std::printf("%s: %s, %s; CPU %8.2f ms, GPU %7.2f ms (kernel %7.2f, %d threads/grid, heights in %s memory, "
                "rounds max %lld mean %.0f, %.1f global relabels/grid), ratio %6.2fx\n",
                what, ok ? "agree" : "DISAGREE", summary.c_str(), cpu.ms, gpu_ms, rep.kernel_ms, rep.threads,
                rep.shared_heights ? "shared" : "global",
                static_cast<long long>(rep.max_iterations), static_cast<double>(rep.sum_iterations) / b.count,
                static_cast<double>(rep.sum_relabels) / b.count, cpu.ms / gpu_ms);
  }
  std::printf("maxflow all cases: CPU loop %.1f ms, GPU batches %.1f ms, ratio %.2fx\n", cpu_all, gpu_all,
              cpu_all / gpu_all);
}

} // namespace

int main(int argc, char **argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0); /* lines survive a time limit's kill */
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else {
      std::fprintf(stderr, "usage: deepinside_cuda_test [--quick]\n");
      return 2;
    }
  }
  char why[256];
  const double t0 = now_ms();
  const int have = di_cuda_available(why, sizeof why);
  std::printf("CUDA: %s: %s (%.0f ms to find out)\n", have ? "available" : "not available", why, now_ms() - t0);
  test_errors(have != 0);
  test_host_algorithm(quick);
  if (have) {
    /* the first call pays for the context; not timed */
    float x[3] = {0, 0, 0}, out[1];
    di_gmm g;
    std::memset(&g, 0, sizeof g);
    g.k = 1;
    g.weight[0] = 1;
    g.cov[0][0] = g.cov[0][4] = g.cov[0][8] = 1;
    di_cuda_gmm_loglik_batch(1, 1, x, &g, nullptr, out, nullptr);
    test_gmm_device(quick);
    test_maxflow_device(quick);
  } else {
    std::printf("SKIP: GPU checks skipped: %s (the argument checks and the host run of the GPU algorithm above "
                "still ran)\n",
                why);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

#endif /* DEEPINSIDE_HAVE_CUDA */
