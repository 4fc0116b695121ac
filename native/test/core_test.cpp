/*
 * Tests of the C++ core through its C ABI (plus the internal det_exp/det_log):
 *   max-flow against a reference Dinic on random grids, cut capacity = flow, GrabCut's energy,
 *   GMM recovery of known clusters, quantiles, connected components and every bad-input error.
 * `core_test --bench` also prints timings. Ends with "N passed, N failed"; exit code 1 on failure.
 *
 *   g++ -std=c++17 -O2 -Wall -Wextra -Inative/include native/src/STAR.cpp native/test/STAR.cpp -o /tmp/core_test
 * (STAR = *), then /tmp/core_test [--bench].
 */
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../src/internal.h"
#include "check.h"
#include "deepinside.h"
#include "reference_maxflow.h"

namespace {

using Rng = SaltedRng<1>;

bool contains(const char *hay, const char *needle) { return std::strstr(hay, needle) != nullptr; }

/* ------------------------------------------------------------------ det_exp / det_log */

void test_math() {
  Rng rng(1);
  double worst_exp = 0, worst_log = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = (rng.uniform() * 2 - 1) * 700;
    const double a = di::det_exp(x), b = std::exp(x);
    worst_exp = std::max(worst_exp, std::fabs(a - b) / b);
    const double y = std::exp((rng.uniform() * 2 - 1) * 700);
    const double c = di::det_log(y), d = std::log(y);
    worst_log = std::max(worst_log, std::fabs(c - d) / std::max(1e-300, std::fabs(d)));
  }
  for (double x : {0.0, 1e-300, -1e-10, 1e-10, 0.5, -0.5, 1.0, -1.0, 700.0, -700.0, -740.0}) {
    const double a = di::det_exp(x), b = std::exp(x);
    worst_exp = std::max(worst_exp, std::fabs(a - b) / b);
  }
  for (double y : {1.0, 2.0, 0.5, 1.4142135623730951, 1e-310, 4.9e-324, 1e308, 255.0, 0.999999999}) {
    const double c = di::det_log(y), d = std::log(y);
    worst_log = std::max(worst_log, d == 0 ? std::fabs(c) : std::fabs(c - d) / std::fabs(d));
  }
  CHECK(worst_exp < 1e-15, "det_exp worst relative error %g", worst_exp);
  CHECK(worst_log < 1e-15, "det_log worst relative error %g", worst_log);
  CHECK(di::det_exp(-800) == 0.0 && std::isinf(di::det_exp(800)), "exp limits");
  CHECK(std::isinf(di::det_log(0.0)) && std::isnan(di::det_log(-1.0)), "log limits");
}

/* ------------------------------------------------------------------ quantiles */

double numpy_linear(std::vector<float> v, double q) {
  std::sort(v.begin(), v.end());
  const double h = (v.size() - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - lo) * (static_cast<double>(v[hi]) - v[lo]);
}

void test_quantile() {
  Rng rng(2);
  int bad = 0, cases = 0;
  for (int t = 0; t < 300; ++t) {
    const size_t n = 1 + rng.below(t < 100 ? 10 : 2000);
    std::vector<float> v(n);
    const int mode = t % 3;
    for (auto &x : v)
      x = mode == 0 ? static_cast<float>(rng.uniform()) : mode == 1 ? static_cast<float>(rng.below(5))
                                                                    : static_cast<float>(rng.normal() * 1e3);
    for (double q : {0.0, 0.3, 0.5, 0.95, 1.0, rng.uniform()}) {
      float out = -1;
      const int rc = di_quantile(v.data(), n, q, &out);
      const float want = static_cast<float>(numpy_linear(v, q));
      ++cases;
      if (rc != DI_OK || std::fabs(out - want) > 1e-6f * std::max(1.0f, std::fabs(want))) {
        if (bad++ < 5) std::printf("  quantile n=%zu q=%g got %g want %g rc=%d\n", n, q, out, want, rc);
      }
    }
  }
  CHECK(bad == 0, "%d of %d quantile cases differ from the sorted-array formula", bad, cases);
  const float four[4] = {4, 1, 3, 2};
  float out = 0;
  di_quantile(four, 4, 0.5, &out);
  CHECK(out == 2.5f, "median of 1..4 = %g", out);
  di_quantile(four, 4, 1.0 / 3.0, &out);
  CHECK(std::fabs(out - 2.0f) < 1e-6f, "q=1/3 of 1..4 = %g", out);
}

/* ------------------------------------------------------------------ max-flow */

struct Grid {
  int w, h, conn;
  std::vector<float> src, snk, edge;
};

Grid random_grid(Rng &rng, int mode) {
  Grid g;
  g.w = 1 + rng.below(mode == 5 ? 40 : 9);
  g.h = 1 + rng.below(mode == 5 ? 40 : 9);
  g.conn = rng.below(2) ? 8 : 4;
  const size_t n = static_cast<size_t>(g.w) * g.h;
  g.src.resize(n);
  g.snk.resize(n);
  g.edge.resize(n * (g.conn / 2));
  auto cap = [&](bool terminal) -> float {
    switch (mode) {
    case 0: /* floats with zeros */
      return rng.uniform() < 0.3 ? 0.0f : static_cast<float>(rng.uniform() * 10);
    case 1: /* small integers: exact arithmetic, labels must match exactly */
      return static_cast<float>(rng.below(6));
    case 2: /* a few very large capacities among small ones */
      return rng.uniform() < 0.15 ? static_cast<float>(std::pow(10.0, 6 + 3 * rng.uniform()))
                                  : (rng.uniform() < 0.3 ? 0.0f : static_cast<float>(rng.uniform() * 5));
    case 3: /* sparse terminal links */
      if (terminal) return rng.uniform() < 0.85 ? 0.0f : static_cast<float>(rng.uniform() * 20);
      return static_cast<float>(rng.uniform() * 3);
    case 4: /* dense terminal links, weak n-links */
      return terminal ? static_cast<float>(0.5 + rng.uniform() * 10) : static_cast<float>(rng.uniform() * 0.5);
    default: /* larger grids, integer capacities up to 1e6 */
      return rng.uniform() < 0.2 ? 0.0f : static_cast<float>(rng.below(1000000));
    }
  };
  for (size_t i = 0; i < n; ++i) {
    g.src[i] = cap(true);
    g.snk[i] = cap(true);
  }
  for (auto &e : g.edge) e = cap(false);
  return g;
}

void test_maxflow_random() {
  Rng rng(3);
  int bad_flow = 0, bad_cut = 0, bad_label = 0, cases = 0, label_cases = 0;
  for (int t = 0; t < 720; ++t) {
    const int mode = t % 6;
    Grid g = random_grid(rng, mode);
    const size_t n = static_cast<size_t>(g.w) * g.h;
    std::vector<uint8_t> label(n, 7);
    double flow = -1;
    const int rc = di_maxflow_grid(g.w, g.h, g.conn, g.src.data(), g.snk.data(), g.edge.data(), label.data(), &flow);
    const ReferenceCut ref = reference_maxflow_grid(g.w, g.h, g.conn, g.src.data(), g.snk.data(), g.edge.data());
    const double cut = di::cut_capacity(g.w, g.h, g.conn, g.src.data(), g.snk.data(), g.edge.data(), label.data());
    const double tol = 1e-9 * std::max(1.0, ref.flow);
    ++cases;
    if (rc != DI_OK || std::fabs(flow - ref.flow) > tol) {
      if (bad_flow++ < 5)
        std::printf("  maxflow %dx%d c%d mode %d: flow %.17g reference %.17g rc=%d\n", g.w, g.h, g.conn, mode, flow,
                    ref.flow, rc);
    }
    if (std::fabs(cut - flow) > tol) {
      if (bad_cut++ < 5) std::printf("  maxflow %dx%d mode %d: cut %.17g flow %.17g\n", g.w, g.h, mode, cut, flow);
    }
    if (mode == 1 || mode == 5) { /* integer capacities: the minimal source set is unique */
      ++label_cases;
      if (label != ref.source_side) ++bad_label;
    }
  }
  CHECK(bad_flow == 0, "%d of %d random grids: flow differs from Dinic", bad_flow, cases);
  CHECK(bad_cut == 0, "%d of %d random grids: cut capacity of the labels differs from the flow", bad_cut, cases);
  CHECK(bad_label == 0, "%d of %d integer grids: labels differ from Dinic's source side", bad_label, label_cases);
  std::printf("  max-flow: %d random grids checked against Dinic (%d with exact label comparison)\n", cases,
              label_cases);
}

/* Warm start: a solve, then resolve with new terminal capacities, must give the minimal source set
 * of a fresh solve on the new capacities (exact with integer capacities). */
void test_maxflow_resolve() {
  Rng rng(4);
  int bad = 0, bad_cut = 0, cases = 0;
  for (int t = 0; t < 200; ++t) {
    const int mode = t % 2 ? 1 : 5;
    Grid g = random_grid(rng, mode);
    const size_t n = static_cast<size_t>(g.w) * g.h;
    di::GridMaxflow mf(g.w, g.h, g.conn);
    std::vector<uint8_t> a(n), b(n), c(n);
    mf.solve(g.src.data(), g.snk.data(), g.edge.data(), a.data());
    std::vector<float> src = g.src, snk = g.snk;
    for (int round = 0; round < 3; ++round) {
      std::vector<float> s2(n), t2(n);
      for (size_t i = 0; i < n; ++i) {
        const float scale = mode == 1 ? 6.0f : 1e6f;
        s2[i] = rng.uniform() < 0.5 ? src[i] : static_cast<float>(std::floor(rng.uniform() * scale));
        t2[i] = rng.uniform() < 0.5 ? snk[i] : static_cast<float>(std::floor(rng.uniform() * scale));
      }
      mf.resolve(s2.data(), t2.data(), src.data(), snk.data(), b.data());
      double flow = 0;
      di_maxflow_grid(g.w, g.h, g.conn, s2.data(), t2.data(), g.edge.data(), c.data(), &flow);
      const ReferenceCut ref = reference_maxflow_grid(g.w, g.h, g.conn, s2.data(), t2.data(), g.edge.data());
      const double cut = di::cut_capacity(g.w, g.h, g.conn, s2.data(), t2.data(), g.edge.data(), b.data());
      ++cases;
      if (b != c || b != ref.source_side) ++bad;
      if (std::fabs(cut - ref.flow) > 1e-9 * std::max(1.0, ref.flow)) ++bad_cut;
      src = s2;
      snk = t2;
    }
  }
  CHECK(bad == 0, "%d of %d warm-started cuts differ from a fresh solve", bad, cases);
  CHECK(bad_cut == 0, "%d of %d warm-started cuts are not minimal", bad_cut, cases);
}

void test_maxflow_hand() {
  /* 2x1: source -> a (3), a - b (2), b -> sink (5): flow 2, a on the source side */
  const float src[2] = {3, 0}, snk[2] = {0, 5}, edge[4] = {2, 0, 0, 0};
  uint8_t label[4];
  double flow = 0;
  CHECK(di_maxflow_grid(2, 1, 4, src, snk, edge, label, &flow) == DI_OK && flow == 2.0 && label[0] == 1 &&
            label[1] == 0,
        "2x1 chain flow %g labels %d %d", flow, label[0], label[1]);
  /* both terminals on one pixel: min(src, snk) flows directly */
  const float s1[1] = {4}, t1[1] = {7}, e1[2] = {123, 456}; /* out-of-grid edges ignored */
  CHECK(di_maxflow_grid(1, 1, 4, s1, t1, e1, label, &flow) == DI_OK && flow == 4.0 && label[0] == 0,
        "1x1 flow %g label %d", flow, label[0]);
  /* out-of-grid edge entries may even be NaN or negative */
  const float e2[4] = {1, NAN, -5, NAN};
  const float s2[2] = {1, 0}, t2[2] = {0, 1};
  CHECK(di_maxflow_grid(2, 1, 8, s2, t2, e2, label, &flow) == DI_OK && flow == 1.0, "ignored entries: flow %g", flow);
  /* an 8-connected diagonal carries flow that a 4-connected grid cannot */
  const float s3[4] = {5, 0, 0, 0}, t3[4] = {0, 0, 0, 5};
  std::vector<float> e3(16, 0.0f);
  e3[4 * 0 + 2] = 3; /* (0,0) -> (1,1) down-right */
  CHECK(di_maxflow_grid(2, 2, 8, s3, t3, e3.data(), label, &flow) == DI_OK && flow == 3.0, "diagonal flow %g", flow);
  std::vector<float> e4(8, 0.0f);
  CHECK(di_maxflow_grid(2, 2, 4, s3, t3, e4.data(), label, &flow) == DI_OK && flow == 0.0, "no path flow %g", flow);
}

/* ------------------------------------------------------------------ synthetic images */

struct Scene {
  int w, h;
  std::vector<uint8_t> rgb, truth, labels;
};

uint8_t clamp8(double v) { return static_cast<uint8_t>(std::min(255.0, std::max(0.0, std::round(v)))); }

/* A reddish textured ellipse on a striped, noisy green-grey background; labels from a rough mask:
 * probable foreground (3) in a loose box around the object, probable background (2) elsewhere,
 * hard background seeds (0) on a border band and hard foreground seeds (1) in the object's core. */
Scene make_scene(int w, int h, uint64_t seed) {
  Rng rng(seed);
  Scene s;
  s.w = w;
  s.h = h;
  const size_t n = static_cast<size_t>(w) * h;
  s.rgb.resize(3 * n);
  s.truth.resize(n);
  s.labels.resize(n);
  const double cx = w * (0.45 + 0.1 * rng.uniform()), cy = h * (0.45 + 0.1 * rng.uniform());
  const double rx = w * 0.25, ry = h * 0.3;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y) * w + x;
      const double ex = (x - cx) / rx, ey = (y - cy) / ry, r2 = ex * ex + ey * ey;
      const bool in = r2 <= 1.0;
      s.truth[i] = in;
      double c[3];
      if (in) {
        const double t = 20 * std::sin(x * 0.3) * std::cos(y * 0.2);
        c[0] = 190 + t + rng.normal() * 12;
        c[1] = 70 + 0.5 * t + rng.normal() * 12;
        c[2] = 60 + rng.normal() * 12;
      } else {
        const double stripe = ((x / 8 + y / 12) % 2) ? 25 : -25;
        c[0] = 100 + stripe + rng.normal() * 15;
        c[1] = 130 + 0.5 * stripe + rng.normal() * 15;
        c[2] = 90 + 30 * std::sin(x * 0.05) + rng.normal() * 15;
      }
      for (int j = 0; j < 3; ++j) s.rgb[3 * i + j] = clamp8(c[j]);
      const bool box = std::fabs(x - cx) < rx * 1.2 && std::fabs(y - cy) < ry * 1.2;
      const bool border = x < w / 20 || y < h / 20 || x >= w - w / 20 || y >= h - h / 20;
      s.labels[i] = r2 < 0.1 ? 1 : border ? 0 : box ? 3 : 2;
    }
  return s;
}

double iou(const std::vector<uint8_t> &labels, const std::vector<uint8_t> &truth) {
  size_t inter = 0, uni = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const bool a = labels[i] == 1 || labels[i] == 3, b = truth[i] != 0;
    inter += a && b;
    uni += a || b;
  }
  return uni ? static_cast<double>(inter) / uni : 1.0;
}

/* ------------------------------------------------------------------ GrabCut */

void test_grabcut() {
  int runs = 0, bad_energy = 0, bad_seed = 0, bad_iou = 0, bad_det = 0, bad_iters = 0;
  for (int t = 0; t < 8; ++t) {
    Scene s = make_scene(40 + 13 * t, 30 + 11 * t, 100 + t);
    di_grabcut_params p;
    di_grabcut_defaults(&p);
    p.connectivity = t % 2 ? 4 : 8;
    p.iterations = 8;
    p.seed = static_cast<uint32_t>(t);
    p.components = 1 + t % 5;
    std::vector<uint8_t> lab = s.labels, lab2 = s.labels;
    di_grabcut_report rep, rep2;
    const int rc = di_grabcut(s.rgb.data(), s.w, s.h, lab.data(), &p, &rep);
    di_grabcut(s.rgb.data(), s.w, s.h, lab2.data(), &p, &rep2);
    ++runs;
    CHECK(rc == DI_OK, "grabcut rc %d: %s", rc, di_last_error());
    for (int i = 1; i < rep.iterations; ++i)
      if (rep.energy[i] > rep.energy[i - 1]) ++bad_energy;
    if (rep.iterations < 2) ++bad_iters;
    for (size_t i = 0; i < lab.size(); ++i) {
      const uint8_t a = s.labels[i], b = lab[i];
      if ((a <= 1 && b != a) || (a >= 2 && b < 2)) ++bad_seed;
    }
    const double q = iou(lab, s.truth);
    if (q < 0.9) {
      ++bad_iou;
      std::printf("  grabcut %dx%d c%d: IoU %.3f\n", s.w, s.h, p.connectivity, q);
    }
    if (lab != lab2 || std::memcmp(rep.energy, rep2.energy, sizeof rep.energy) != 0) ++bad_det;
    if (t == 0) {
      std::printf("  grabcut %dx%d: beta %.6g, IoU %.3f, energy", s.w, s.h, rep.beta, q);
      for (int i = 0; i < rep.iterations; ++i) std::printf(" %.3f", rep.energy[i]);
      std::printf("\n");
    }
  }
  CHECK(bad_energy == 0, "%d energy increases over %d runs", bad_energy, runs);
  CHECK(bad_iters == 0, "%d runs stopped before a second iteration", bad_iters);
  CHECK(bad_seed == 0, "%d pixels broke the seed rules", bad_seed);
  CHECK(bad_iou == 0, "%d runs with IoU < 0.9 against the true object", bad_iou);
  CHECK(bad_det == 0, "%d runs not deterministic", bad_det);

  /* energy non-increasing from harder starts too: a random label soup, many components */
  for (int t = 0; t < 6; ++t) {
    Scene s = make_scene(64, 48, 200 + t);
    Rng rng(300 + t);
    for (auto &l : s.labels) l = static_cast<uint8_t>(2 + rng.below(2));
    s.labels[0] = 0;
    di_grabcut_params p;
    di_grabcut_defaults(&p);
    p.iterations = 20;
    p.components = 8;
    p.gamma = t * 20.0;
    p.connectivity = t % 2 ? 8 : 4;
    di_grabcut_report rep;
    const int rc = di_grabcut(s.rgb.data(), s.w, s.h, s.labels.data(), &p, &rep);
    int inc = 0;
    for (int i = 1; i < rep.iterations; ++i) inc += rep.energy[i] > rep.energy[i - 1];
    CHECK(rc == DI_OK && inc == 0 && rep.iterations >= 2, "soup start %d: rc %d, %d increases, %d iterations", t, rc,
          inc, rep.iterations);
  }

  /* a constant image: beta = 0, runs, seeds kept */
  {
    std::vector<uint8_t> rgb(3 * 20 * 10, 77), lab(200, 2);
    lab[0] = 1;
    lab[199] = 0;
    di_grabcut_params p;
    di_grabcut_defaults(&p);
    di_grabcut_report rep;
    const int rc = di_grabcut(rgb.data(), 20, 10, lab.data(), &p, &rep);
    CHECK(rc == DI_OK && rep.beta == 0.0 && lab[0] == 1 && lab[199] == 0, "constant image rc %d beta %g", rc, rep.beta);
  }
  /* the smallest image that has both labels; report may be NULL */
  {
    const uint8_t rgb[6] = {0, 0, 0, 255, 255, 255};
    uint8_t lab[2] = {3, 2};
    di_grabcut_params p;
    di_grabcut_defaults(&p);
    const int rc = di_grabcut(rgb, 2, 1, lab, &p, nullptr);
    CHECK(rc == DI_OK && lab[0] >= 2 && lab[1] >= 2, "2x1 grabcut rc %d labels %d %d", rc, lab[0], lab[1]);
  }
}

/* The whole localisation on a synthetic image: a saliency map (the object blurred, plus noise),
 * seeds from its 95% and 30% quantiles, GrabCut, the largest component's box. */
void test_localisation() {
  for (int t = 0; t < 4; ++t) {
    Scene s = make_scene(120 + 20 * t, 90 + 10 * t, 900 + t);
    const int w = s.w, h = s.h;
    const size_t n = static_cast<size_t>(w) * h;
    Rng rng(901 + t);
    std::vector<float> sal(n);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        double a = 0;
        int c = 0;
        for (int dy = -4; dy <= 4; ++dy)
          for (int dx = -4; dx <= 4; ++dx) {
            const int xx = x + dx, yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            a += s.truth[static_cast<size_t>(yy) * w + xx];
            ++c;
          }
        sal[static_cast<size_t>(y) * w + x] = static_cast<float>(a / c + 0.3 * rng.uniform());
      }
    float q95 = 0, q30 = 0;
    CHECK(di_quantile(sal.data(), n, 0.95, &q95) == DI_OK && di_quantile(sal.data(), n, 0.30, &q30) == DI_OK,
          "quantiles");
    std::vector<uint8_t> lab(n);
    for (size_t i = 0; i < n; ++i) lab[i] = sal[i] > q95 ? 1 : sal[i] < q30 ? 0 : 2;
    di_grabcut_params p;
    di_grabcut_defaults(&p);
    p.connectivity = t % 2 ? 4 : 8;
    di_grabcut_report rep;
    const int rc = di_grabcut(s.rgb.data(), w, h, lab.data(), &p, &rep);
    int inc = 0;
    for (int i = 1; i < rep.iterations; ++i) inc += rep.energy[i] > rep.energy[i - 1];
    std::vector<uint8_t> fg(n), out(n);
    for (size_t i = 0; i < n; ++i) fg[i] = lab[i] & 1;
    int box[4];
    size_t area = 0;
    di_largest_component(fg.data(), w, h, out.data(), box, &area);
    int tb[4] = {w, h, -1, -1};
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        if (s.truth[static_cast<size_t>(y) * w + x]) {
          tb[0] = std::min(tb[0], x);
          tb[1] = std::min(tb[1], y);
          tb[2] = std::max(tb[2], x);
          tb[3] = std::max(tb[3], y);
        }
    const double ix = std::max(0, std::min(box[2], tb[2]) - std::max(box[0], tb[0]) + 1);
    const double iy = std::max(0, std::min(box[3], tb[3]) - std::max(box[1], tb[1]) + 1);
    const double a1 = (box[2] - box[0] + 1.0) * (box[3] - box[1] + 1.0), a2 = (tb[2] - tb[0] + 1.0) * (tb[3] - tb[1] + 1.0);
    const double box_iou = ix * iy / (a1 + a2 - ix * iy);
    CHECK(rc == DI_OK && inc == 0 && rep.iterations == 5 && box_iou > 0.9,
          "localisation %dx%d: rc %d, %d energy increases, %d iterations, box IoU %.3f", w, h, rc, inc, rep.iterations,
          box_iou);
  }
}

/* ------------------------------------------------------------------ GMM */

void test_gmm() {
  const double truth3[3][3] = {{50, 50, 50}, {200, 60, 90}, {90, 200, 160}};
  const double sd3[3] = {5, 8, 4};
  for (int kk = 2; kk <= 3; ++kk) {
    for (uint32_t seed = 0; seed < 4; ++seed) {
      Rng rng(40 + seed + 10 * kk);
      std::vector<float> x;
      const int per = 1500;
      for (int c = 0; c < kk; ++c)
        for (int i = 0; i < per; ++i)
          for (int j = 0; j < 3; ++j) x.push_back(static_cast<float>(truth3[c][j] + rng.normal() * sd3[c]));
      /* interleave the clusters so that order carries no hint */
      std::vector<float> y(x.size());
      for (int i = 0; i < per * kk; ++i) {
        const int c = i % kk, r = i / kk;
        std::memcpy(&y[3 * i], &x[3 * (c * per + r)], 3 * sizeof(float));
      }
      di_gmm g;
      const int rc = di_gmm_fit(y.data(), per * kk, kk, seed, 10, &g);
      CHECK(rc == DI_OK && g.k == kk, "gmm fit rc %d k %d", rc, g.k);
      double worst_mean = 0, worst_w = 0, worst_sd = 0;
      for (int c = 0; c < kk; ++c) {
        int best = 0;
        double bd = 1e300;
        for (int f = 0; f < g.k; ++f) {
          double d = 0;
          for (int j = 0; j < 3; ++j) d += (g.mean[f][j] - truth3[c][j]) * (g.mean[f][j] - truth3[c][j]);
          if (d < bd) {
            bd = d;
            best = f;
          }
        }
        worst_mean = std::max(worst_mean, std::sqrt(bd));
        worst_w = std::max(worst_w, std::fabs(g.weight[best] - 1.0 / kk));
        for (int j = 0; j < 3; ++j)
          worst_sd = std::max(worst_sd, std::fabs(std::sqrt(g.cov[best][4 * j]) - sd3[c]) / sd3[c]);
      }
      CHECK(worst_mean < 1.0, "k=%d seed %u: a mean is %.3f away from the truth", kk, seed, worst_mean);
      CHECK(worst_w < 0.01, "k=%d seed %u: a weight is off by %.4f", kk, seed, worst_w);
      CHECK(worst_sd < 0.1, "k=%d seed %u: a standard deviation is off by %.1f%%", kk, seed, 100 * worst_sd);

      /* loglik against a direct evaluation with libm */
      std::vector<float> ll(20);
      di_gmm_loglik(&g, y.data(), 20, ll.data());
      double worst_ll = 0;
      for (int i = 0; i < 20; ++i) {
        double s = 0;
        for (int c = 0; c < g.k; ++c) {
          const double *v = g.inv[c];
          double d[3];
          for (int j = 0; j < 3; ++j) d[j] = y[3 * i + j] - g.mean[c][j];
          double q = 0;
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) q += d[a] * v[3 * a + b] * d[b];
          const double *S = g.cov[c];
          const double det = S[0] * (S[4] * S[8] - S[5] * S[7]) - S[1] * (S[3] * S[8] - S[5] * S[6]) +
                             S[2] * (S[3] * S[7] - S[4] * S[6]);
          s += g.weight[c] * std::exp(-0.5 * q) / std::sqrt(std::pow(2 * M_PI, 3) * det);
        }
        worst_ll = std::max(worst_ll, std::fabs(ll[i] - std::log(s)) / std::max(1.0, std::fabs(std::log(s))));
      }
      CHECK(worst_ll < 1e-5, "loglik differs from direct evaluation by %g", worst_ll);
    }
  }
  /* determinism: the same seed gives the same bytes; another seed still finds the clusters */
  {
    Rng rng(9);
    std::vector<float> x(3 * 2000);
    for (auto &v : x) v = static_cast<float>(rng.uniform() * 255);
    di_gmm a, b;
    std::memset(&a, 0, sizeof a); /* padding after k is not written by the copy */
    std::memset(&b, 0, sizeof b);
    di_gmm_fit(x.data(), 2000, 5, 7, 5, &a);
    di_gmm_fit(x.data(), 2000, 5, 7, 5, &b);
    CHECK(std::memcmp(&a, &b, sizeof a) == 0, "gmm fit not deterministic");
  }
  /* fewer distinct samples than components: components dropped, ridge keeps it invertible */
  {
    std::vector<float> x(3 * 10, 12.0f);
    di_gmm g;
    const int rc = di_gmm_fit(x.data(), 10, 4, 0, 3, &g);
    CHECK(rc == DI_OK && g.k == 1 && g.weight[0] == 1.0 && g.cov[0][0] > 0 && g.cov[0][1] == 0, "degenerate: rc %d k %d",
          rc, g.k);
    std::vector<float> y = {0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10};
    const int rc2 = di_gmm_fit(y.data(), 4, 3, 0, 3, &g);
    CHECK(rc2 == DI_OK && g.k == 2, "two distinct points, k=3: rc %d k %d", rc2, g.k);
  }
  /* any scale: data in [0, 1e-3] and around 1e6 */
  for (double scale : {1e-3, 1e6}) {
    Rng rng(11);
    std::vector<float> x;
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 500; ++i)
        for (int j = 0; j < 3; ++j) x.push_back(static_cast<float>(scale * (c * 10 + 1 + 0.1 * rng.normal())));
    di_gmm g;
    const int rc = di_gmm_fit(x.data(), 1000, 2, 1, 5, &g);
    const double m0 = std::min(g.mean[0][0], g.mean[1][0]) / scale, m1 = std::max(g.mean[0][0], g.mean[1][0]) / scale;
    CHECK(rc == DI_OK && g.k == 2 && std::fabs(m0 - 1) < 0.05 && std::fabs(m1 - 11) < 0.05,
          "scale %g: rc %d means %g %g", scale, rc, m0, m1);
  }
}

/* ------------------------------------------------------------------ components */

std::vector<uint8_t> parse(const char *rows[], int h, int &w) {
  w = static_cast<int>(std::strlen(rows[0]));
  std::vector<uint8_t> m;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.push_back(rows[y][x] == '#');
  return m;
}

void test_components() {
  {
    const char *rows[] = {"##......", "##...#..", "....#...", "...#..#.", "......##"};
    int w;
    auto m = parse(rows, 5, w);
    std::vector<uint8_t> out(m.size(), 9);
    int box[4];
    size_t area = 0;
    CHECK(di_largest_component(m.data(), w, 5, out.data(), box, &area) == DI_OK, "rc");
    /* the diagonal chain (5,1)-(4,2)-(3,3) has 3 pixels, the square 4, the bottom-right 3 */
    CHECK(area == 4 && box[0] == 0 && box[1] == 0 && box[2] == 1 && box[3] == 1, "area %zu box %d %d %d %d", area,
          box[0], box[1], box[2], box[3]);
    CHECK(out[0] == 1 && out[1] == 1 && out[w] == 1 && out[w + 1] == 1 && out[5 + w] == 0, "out mask");
  }
  {
    /* 8-connectivity joins diagonals: one component of 6 */
    const char *rows[] = {"#.....", ".#...#", "..#.#.", "...#.."};
    int w;
    auto m = parse(rows, 4, w);
    std::vector<uint8_t> out(m.size());
    int box[4];
    size_t area;
    di_largest_component(m.data(), w, 4, out.data(), box, &area);
    CHECK(area == 6 && box[0] == 0 && box[1] == 0 && box[2] == 5 && box[3] == 3, "diagonal area %zu box %d %d %d %d",
          area, box[0], box[1], box[2], box[3]);
  }
  {
    /* a tie goes to the first component in raster order; out aliases mask */
    const char *rows[] = {"....##", "#.....", "#....."};
    int w;
    auto m = parse(rows, 3, w);
    int box[4];
    size_t area;
    CHECK(di_largest_component(m.data(), w, 3, m.data(), box, &area) == DI_OK, "alias rc");
    CHECK(area == 2 && box[0] == 4 && box[1] == 0 && box[2] == 5 && box[3] == 0 && m[6] == 0 && m[4] == 1,
          "tie area %zu box %d %d %d %d", area, box[0], box[1], box[2], box[3]);
  }
  {
    std::vector<uint8_t> m(12, 0), out(12, 5);
    int box[4] = {7, 7, 7, 7};
    size_t area = 99;
    CHECK(di_largest_component(m.data(), 4, 3, out.data(), box, &area) == DI_OK && area == 0 && box[0] == -1 &&
              box[3] == -1 && std::count(out.begin(), out.end(), 0) == 12,
          "empty mask");
    std::fill(m.begin(), m.end(), 200);
    di_largest_component(m.data(), 4, 3, out.data(), box, &area);
    CHECK(area == 12 && box[0] == 0 && box[1] == 0 && box[2] == 3 && box[3] == 2, "full mask");
  }
  {
    /* a ring: one component, its hole not counted */
    const char *rows[] = {".....", ".###.", ".#.#.", ".###.", "....."};
    int w;
    auto m = parse(rows, 5, w);
    std::vector<uint8_t> out(m.size());
    int box[4];
    size_t area;
    di_largest_component(m.data(), w, 5, out.data(), box, &area);
    CHECK(area == 8 && box[0] == 1 && box[1] == 1 && box[2] == 3 && box[3] == 3 && out[12] == 0, "ring area %zu",
          area);
  }
}

/* ------------------------------------------------------------------ bad input */

#define EXPECT_ERR(call, code, needle)                                                                                 \
  do {                                                                                                                 \
    const int rc_ = (call);                                                                                            \
    CHECK(rc_ == (code) && contains(di_last_error(), needle), "%s -> %d (%s), want %d mentioning '%s'", #call, rc_,    \
          di_last_error(), code, needle);                                                                              \
  } while (0)

void test_errors() {
  /* quantile */
  const float v[4] = {1, 2, 3, 4};
  const float vnan[3] = {1, NAN, 3};
  float q = -7;
  EXPECT_ERR(di_quantile(nullptr, 4, 0.5, &q), DI_E_ARGUMENT, "map");
  EXPECT_ERR(di_quantile(v, 4, 0.5, nullptr), DI_E_ARGUMENT, "out");
  EXPECT_ERR(di_quantile(v, 0, 0.5, &q), DI_E_SIZE, "n");
  EXPECT_ERR(di_quantile(v, static_cast<size_t>(DI_MAX_PIXELS) + 1, 0.5, &q), DI_E_SIZE, "n");
  EXPECT_ERR(di_quantile(v, 4, 1.5, &q), DI_E_ARGUMENT, "1.5");
  EXPECT_ERR(di_quantile(v, 4, -0.1, &q), DI_E_ARGUMENT, "q");
  EXPECT_ERR(di_quantile(v, 4, NAN, &q), DI_E_ARGUMENT, "q");
  EXPECT_ERR(di_quantile(vnan, 3, 0.5, &q), DI_E_VALUE, "map[1]");
  const float vinf[2] = {1, -INFINITY};
  EXPECT_ERR(di_quantile(vinf, 2, 0.5, &q), DI_E_VALUE, "map[1]");
  CHECK(q == -7, "quantile wrote its output on failure");

  /* gmm */
  std::vector<float> s(30, 1.0f);
  di_gmm g;
  std::memset(&g, 0xAB, sizeof g);
  const di_gmm g0 = g;
  EXPECT_ERR(di_gmm_fit(nullptr, 10, 2, 0, 1, &g), DI_E_ARGUMENT, "samples");
  EXPECT_ERR(di_gmm_fit(s.data(), 10, 2, 0, 1, nullptr), DI_E_ARGUMENT, "out");
  EXPECT_ERR(di_gmm_fit(s.data(), 0, 2, 0, 1, &g), DI_E_SIZE, "n");
  EXPECT_ERR(di_gmm_fit(s.data(), 10, 0, 0, 1, &g), DI_E_ARGUMENT, "k");
  EXPECT_ERR(di_gmm_fit(s.data(), 10, DI_MAX_COMPONENTS + 1, 0, 1, &g), DI_E_ARGUMENT, "17");
  EXPECT_ERR(di_gmm_fit(s.data(), 3, 5, 0, 1, &g), DI_E_ARGUMENT, "fewer");
  EXPECT_ERR(di_gmm_fit(s.data(), 10, 2, 0, -1, &g), DI_E_ARGUMENT, "iterations");
  s[7] = NAN;
  EXPECT_ERR(di_gmm_fit(s.data(), 10, 2, 0, 1, &g), DI_E_VALUE, "samples[7]");
  s[7] = INFINITY;
  EXPECT_ERR(di_gmm_fit(s.data(), 10, 2, 0, 1, &g), DI_E_VALUE, "sample 2");
  s[7] = 1.0f;
  CHECK(std::memcmp(&g, &g0, sizeof g) == 0, "gmm_fit wrote its output on failure");
  di_gmm good;
  CHECK(di_gmm_fit(s.data(), 10, 1, 0, 1, &good) == DI_OK, "fit");
  std::vector<float> ll(10, -7.0f);
  EXPECT_ERR(di_gmm_loglik(nullptr, s.data(), 10, ll.data()), DI_E_ARGUMENT, "g is NULL");
  EXPECT_ERR(di_gmm_loglik(&good, nullptr, 10, ll.data()), DI_E_ARGUMENT, "samples");
  EXPECT_ERR(di_gmm_loglik(&good, s.data(), 10, nullptr), DI_E_ARGUMENT, "out");
  EXPECT_ERR(di_gmm_loglik(&good, s.data(), 0, ll.data()), DI_E_SIZE, "n");
  di_gmm bad = good;
  bad.k = 0;
  EXPECT_ERR(di_gmm_loglik(&bad, s.data(), 10, ll.data()), DI_E_ARGUMENT, "g->k");
  bad = good;
  bad.cov[0][4] = -1;
  EXPECT_ERR(di_gmm_loglik(&bad, s.data(), 10, ll.data()), DI_E_VALUE, "g->cov[0]");
  bad = good;
  bad.mean[0][2] = NAN;
  EXPECT_ERR(di_gmm_loglik(&bad, s.data(), 10, ll.data()), DI_E_VALUE, "g->mean[0][2]");
  bad = good;
  bad.weight[0] = -1;
  EXPECT_ERR(di_gmm_loglik(&bad, s.data(), 10, ll.data()), DI_E_VALUE, "g->weight[0]");
  s[29] = NAN;
  EXPECT_ERR(di_gmm_loglik(&good, s.data(), 10, ll.data()), DI_E_VALUE, "samples[29]");
  CHECK(ll[0] == -7.0f && ll[9] == -7.0f, "loglik wrote its output on failure");

  /* max-flow */
  std::vector<float> cap(4 * 6, 1.0f);
  uint8_t lab[6] = {9, 9, 9, 9, 9, 9};
  double flow = -3;
  const float *c = cap.data();
  EXPECT_ERR(di_maxflow_grid(0, 2, 4, c, c, c, lab, &flow), DI_E_SIZE, "width");
  EXPECT_ERR(di_maxflow_grid(3, -1, 4, c, c, c, lab, &flow), DI_E_SIZE, "height");
  EXPECT_ERR(di_maxflow_grid(DI_MAX_SIDE + 1, 1, 4, c, c, c, lab, &flow), DI_E_SIZE, "width");
  EXPECT_ERR(di_maxflow_grid(DI_MAX_SIDE, DI_MAX_SIDE, 4, c, c, c, lab, &flow), DI_E_SIZE, "DI_MAX_PIXELS");
  EXPECT_ERR(di_maxflow_grid(3, 2, 6, c, c, c, lab, &flow), DI_E_ARGUMENT, "connectivity");
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, nullptr, c, c, lab, &flow), DI_E_ARGUMENT, "source_cap");
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, c, nullptr, c, lab, &flow), DI_E_ARGUMENT, "sink_cap");
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, c, c, nullptr, lab, &flow), DI_E_ARGUMENT, "edge_cap");
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, c, c, c, nullptr, &flow), DI_E_ARGUMENT, "label");
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, c, c, c, lab, nullptr), DI_E_ARGUMENT, "flow");
  std::vector<float> neg = cap;
  neg[4] = -0.5f;
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, neg.data(), c, c, lab, &flow), DI_E_ARGUMENT, "source_cap[4]");
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, c, neg.data(), c, lab, &flow), DI_E_ARGUMENT, "sink_cap[4]");
  std::vector<float> eneg = cap;
  eneg[5] = -0.5f; /* pixel (2,0) down; [4] would be (2,0) right, outside the grid and ignored */
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, c, c, eneg.data(), lab, &flow), DI_E_ARGUMENT, "edge_cap[5]");
  eneg[5] = NAN;
  EXPECT_ERR(di_maxflow_grid(3, 2, 4, c, c, eneg.data(), lab, &flow), DI_E_VALUE, "edge_cap[5]");
  eneg[5] = 1.0f;
  eneg[4] = NAN;
  CHECK(di_maxflow_grid(3, 2, 4, c, c, eneg.data(), lab, &flow) == DI_OK, "an out-of-grid NaN is ignored");
  flow = -3;
  lab[0] = lab[5] = 9;
  neg[4] = INFINITY;
  EXPECT_ERR(di_maxflow_grid(3, 2, 8, neg.data(), c, c, lab, &flow), DI_E_VALUE, "source_cap[4]");
  CHECK(flow == -3 && lab[0] == 9 && lab[5] == 9, "maxflow wrote its output on failure");

  /* grabcut */
  Scene sc = make_scene(16, 12, 5);
  di_grabcut_params p;
  di_grabcut_defaults(&p);
  CHECK(p.components == 5 && p.iterations == 5 && p.gamma == 50 && p.connectivity == 8, "defaults");
  di_grabcut_report rep;
  std::memset(&rep, 0x5A, sizeof rep);
  const di_grabcut_report rep0 = rep;
  std::vector<uint8_t> L = sc.labels;
  const uint8_t *img = sc.rgb.data();
  EXPECT_ERR(di_grabcut(nullptr, 16, 12, L.data(), &p, &rep), DI_E_ARGUMENT, "rgb");
  EXPECT_ERR(di_grabcut(img, 0, 12, L.data(), &p, &rep), DI_E_SIZE, "width");
  EXPECT_ERR(di_grabcut(img, 16, 70000, L.data(), &p, &rep), DI_E_SIZE, "height");
  EXPECT_ERR(di_grabcut(img, 16, 12, nullptr, &p, &rep), DI_E_ARGUMENT, "labels");
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), nullptr, &rep), DI_E_ARGUMENT, "params");
  di_grabcut_params pb = p;
  pb.components = 0;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &pb, &rep), DI_E_ARGUMENT, "components");
  pb = p;
  pb.components = 17;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &pb, &rep), DI_E_ARGUMENT, "components");
  pb = p;
  pb.iterations = 0;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &pb, &rep), DI_E_ARGUMENT, "iterations");
  pb.iterations = DI_GRABCUT_MAX_ITERATIONS + 1;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &pb, &rep), DI_E_ARGUMENT, "iterations");
  pb = p;
  pb.gamma = NAN;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &pb, &rep), DI_E_VALUE, "gamma");
  pb.gamma = -1;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &pb, &rep), DI_E_ARGUMENT, "gamma");
  pb = p;
  pb.connectivity = 6;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &pb, &rep), DI_E_ARGUMENT, "connectivity");
  L[37] = 4;
  EXPECT_ERR(di_grabcut(img, 16, 12, L.data(), &p, &rep), DI_E_ARGUMENT, "labels[37]");
  L[37] = 2;
  std::vector<uint8_t> allbg(L.size(), 2), allfg(L.size(), 3);
  allbg[3] = 0;
  allfg[3] = 1;
  EXPECT_ERR(di_grabcut(img, 16, 12, allbg.data(), &p, &rep), DI_E_SEEDS, "foreground");
  EXPECT_ERR(di_grabcut(img, 16, 12, allfg.data(), &p, &rep), DI_E_SEEDS, "background");
  CHECK(L == sc.labels || (L[37] == 2), "labels");
  CHECK(std::memcmp(&rep, &rep0, sizeof rep) == 0, "grabcut wrote its report on failure");
  di_grabcut_defaults(nullptr); /* harmless */

  /* components */
  std::vector<uint8_t> m(6, 1), out(6, 9);
  int box[4] = {5, 5, 5, 5};
  size_t area = 77;
  EXPECT_ERR(di_largest_component(nullptr, 3, 2, out.data(), box, &area), DI_E_ARGUMENT, "mask");
  EXPECT_ERR(di_largest_component(m.data(), 3, 0, out.data(), box, &area), DI_E_SIZE, "height");
  EXPECT_ERR(di_largest_component(m.data(), 3, 2, nullptr, box, &area), DI_E_ARGUMENT, "out");
  EXPECT_ERR(di_largest_component(m.data(), 3, 2, out.data(), nullptr, &area), DI_E_ARGUMENT, "box");
  EXPECT_ERR(di_largest_component(m.data(), 3, 2, out.data(), box, nullptr), DI_E_ARGUMENT, "area");
  CHECK(out[0] == 9 && box[0] == 5 && area == 77, "components wrote its output on failure");

  CHECK(std::strlen(di_version()) > 0, "version");
}

/* ------------------------------------------------------------------ determinism digest */

/* FNV-1a over the outputs of fixed inputs: the same value from every build (native compilers,
 * optimisation levels, WebAssembly) shows bit-identical results. */
struct Digest {
  uint64_t h = 1469598103934665603ull;
  void add(const void *p, size_t n) {
    const uint8_t *b = static_cast<const uint8_t *>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
};

uint64_t determinism_digest() {
  Digest dg;
  for (int conn : {4, 8}) {
    Scene s = make_scene(96, 80, 500 + conn);
    di_grabcut_params p;
    di_grabcut_defaults(&p);
    p.connectivity = conn;
    p.seed = 42;
    di_grabcut_report rep;
    std::memset(&rep, 0, sizeof rep);
    di_grabcut(s.rgb.data(), s.w, s.h, s.labels.data(), &p, &rep);
    dg.add(s.labels.data(), s.labels.size());
    dg.add(&rep.iterations, sizeof rep.iterations); /* field by field: struct padding is not data */
    dg.add(rep.energy, sizeof rep.energy);
    dg.add(&rep.beta, sizeof rep.beta);
  }
  Rng rng(77);
  std::vector<float> x(3 * 3000);
  for (auto &v : x) v = static_cast<float>(rng.uniform() * 255);
  di_gmm g;
  di_gmm_fit(x.data(), 3000, 5, 3, 5, &g);
  dg.add(&g.k, sizeof g.k);
  dg.add(g.weight, sizeof g.weight);
  dg.add(g.mean, sizeof g.mean);
  dg.add(g.cov, sizeof g.cov);
  dg.add(g.inv, sizeof g.inv);
  dg.add(g.log_norm, sizeof g.log_norm);
  std::vector<float> ll(3000);
  di_gmm_loglik(&g, x.data(), 3000, ll.data());
  dg.add(ll.data(), ll.size() * sizeof(float));
  Grid grid = random_grid(rng, 0);
  std::vector<uint8_t> lab(static_cast<size_t>(grid.w) * grid.h);
  double flow = 0;
  di_maxflow_grid(grid.w, grid.h, grid.conn, grid.src.data(), grid.snk.data(), grid.edge.data(), lab.data(), &flow);
  dg.add(lab.data(), lab.size());
  dg.add(&flow, sizeof flow);
  float q = 0;
  di_quantile(x.data(), x.size(), 0.95, &q);
  dg.add(&q, sizeof q);
  return dg.h;
}

/* ------------------------------------------------------------------ timings */

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void bench() {
  for (auto wh : {std::pair<int, int>{224, 224}, std::pair<int, int>{500, 375}}) {
    Scene s = make_scene(wh.first, wh.second, 77);
    di_grabcut_params p;
    di_grabcut_defaults(&p);
    std::vector<double> times;
    di_grabcut_report rep;
    std::vector<uint8_t> lab;
    for (int r = 0; r < 7; ++r) {
      lab = s.labels;
      const double t0 = now_ms();
      di_grabcut(s.rgb.data(), s.w, s.h, lab.data(), &p, &rep);
      times.push_back(now_ms() - t0);
    }
    std::sort(times.begin(), times.end());
    std::printf("  bench di_grabcut %dx%d, 5 iterations, 8-connected: %.1f ms median (min %.1f), IoU %.3f, E %.1f\n",
                s.w, s.h, times[times.size() / 2], times[0], iou(lab, s.truth), rep.energy[rep.iterations - 1]);
  }
  for (int conn : {4, 8}) {
    /* max-flow alone on a 512x512 grid with GrabCut-like capacities */
    Scene s = make_scene(512, 512, 78);
    const size_t n = 512 * 512;
    const int half = conn / 2;
    std::vector<float> src(n), snk(n), edge(n * half);
    Rng rng(5);
    for (size_t i = 0; i < n; ++i) {
      const double pf = std::min(0.95, std::max(0.05, (s.truth[i] ? 0.7 : 0.3) + 0.3 * (rng.uniform() - 0.5)));
      const float f = static_cast<float>(-std::log(pf)), b = static_cast<float>(-std::log(1 - pf));
      const float m = std::min(f, b);
      src[i] = b - m;
      snk[i] = f - m;
    }
    double sum = 0;
    size_t cnt = 0;
    const int DXs[4] = {1, 0, 1, -1}, DYs[4] = {0, 1, 1, 1};
    auto d2 = [&](size_t p, size_t q) {
      double d = 0;
      for (int j = 0; j < 3; ++j) d += (s.rgb[3 * p + j] - s.rgb[3 * q + j]) * (s.rgb[3 * p + j] - s.rgb[3 * q + j]);
      return d;
    };
    for (int y = 0; y < 512; ++y)
      for (int x = 0; x < 512; ++x)
        for (int d = 0; d < half; ++d) {
          const int nx = x + DXs[d], ny = y + DYs[d];
          if (nx < 0 || nx >= 512 || ny >= 512) continue;
          sum += d2(y * 512 + x, ny * 512 + nx);
          ++cnt;
        }
    const double beta = 1 / (2 * sum / cnt);
    for (int y = 0; y < 512; ++y)
      for (int x = 0; x < 512; ++x)
        for (int d = 0; d < half; ++d) {
          const int nx = x + DXs[d], ny = y + DYs[d];
          if (nx < 0 || nx >= 512 || ny >= 512) continue;
          edge[half * (y * 512 + x) + d] =
              static_cast<float>((d < 2 ? 50 : 50 / std::sqrt(2.0)) * std::exp(-beta * d2(y * 512 + x, ny * 512 + nx)));
        }
    std::vector<uint8_t> lab(n);
    std::vector<double> times;
    double flow = 0;
    for (int r = 0; r < 7; ++r) {
      const double t0 = now_ms();
      di_maxflow_grid(512, 512, conn, src.data(), snk.data(), edge.data(), lab.data(), &flow);
      times.push_back(now_ms() - t0);
    }
    std::sort(times.begin(), times.end());
    const double cut = di::cut_capacity(512, 512, conn, src.data(), snk.data(), edge.data(), lab.data());
    std::printf("  bench di_maxflow_grid 512x512 %d-connected: %.1f ms median (min %.1f), flow %.3f, |cut-flow| %.2g\n",
                conn, times[times.size() / 2], times[0], flow, std::fabs(cut - flow));
  }
}

} // namespace

/* Regressions found by the fuzzer (native/fuzz): a subnormal covariance determinant used to give
 * NaN log-likelihoods with DI_OK; samples all below 2^-128 used to collapse the fit to one component. */
void test_fuzz_regressions() {
  di_gmm g;
  std::memset(&g, 0, sizeof g);
  g.k = 2;
  g.weight[0] = g.weight[1] = 0.5;
  for (int j = 0; j < 3; ++j) { g.mean[0][j] = 0.0; g.mean[1][j] = 10.0; }
  for (int j = 0; j < 3; ++j) { g.cov[0][4 * j] = 1e-103; g.cov[1][4 * j] = 1.0; }
  const float x[6] = {0, 0, 0, 10, 10, 10};
  float out[2] = {7.0f, 7.0f};
  const int rc = di_gmm_loglik(&g, x, 2, out);
  CHECK(rc == DI_E_VALUE && out[0] == 7.0f && out[1] == 7.0f, "subnormal determinant: rc %d, out %g %g", rc, out[0], out[1]);

  std::vector<float> tiny(3 * 200);
  for (int i = 0; i < 200; ++i)
    for (int j = 0; j < 3; ++j) tiny[3 * i + j] = (i < 100 ? 1.0f : 5.0f) * 1e-40f * (1.0f + 0.01f * static_cast<float>(i % 7));
  di_gmm fit;
  const int rf = di_gmm_fit(tiny.data(), 200, 2, 1, 10, &fit);
  CHECK(rf == DI_OK && fit.k == 2, "tiny samples: rc %d, k %d", rf, fit.k);
}

int main(int argc, char **argv) {
  const bool do_bench = argc > 1 && std::strcmp(argv[1], "--bench") == 0;
  test_math();
  test_quantile();
  test_maxflow_hand();
  test_maxflow_random();
  test_maxflow_resolve();
  test_gmm();
  test_components();
  test_grabcut();
  test_localisation();
  test_errors();
  test_fuzz_regressions();
  std::printf("  determinism digest %016llx\n", static_cast<unsigned long long>(determinism_digest()));
  if (do_bench) bench();
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
