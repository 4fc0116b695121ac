/*
 * Grid max-flow by synchronous parallel push-relabel with global relabelling: the algorithm of the
 * CUDA kernel in maxflow.cuh, written once over an "executor" so that the same code also runs on
 * the host, sequentially (native/test/cuda_test.cpp checks it there against the CPU solver even
 * where no GPU is present).
 *
 * The includer defines DI_PR_FN as the qualifiers of these functions (`__device__ __forceinline__`
 * in maxflow.cuh, `inline` on the host) and provides an executor E with
 *   e.nodes(f)       f(x, y, p) for each real node this thread owns (p: index in the padded grid)
 *   e.padded(f)      f(p) for each node of the padded grid this thread owns
 *   e.sync()         barrier between phases
 *   e.any(v)         barrier, then true when v was true for any thread
 *   e.add(a, v)      *a += v, atomically with respect to other threads' add()
 *   e.sum(v)         barrier, then the sum of v over all threads (every thread gets it)
 *
 * The graph (same conventions as di_maxflow_grid): width x height nodes padded with a one-node
 * border of dead nodes, so the neighbour of p in direction d is p + off[d] without bounds checks.
 * Directions: 4-connected 0 right, 1 down, 2 left, 3 up; 8-connected 0 right, 1 down, 2 down-right,
 * 3 down-left, 4 left, 5 up, 6 up-left, 7 up-right; opp(d) = d ^ (D/2); the first D/2 are the
 * forward ones of edge_cap. Residuals are double, as in the CPU solver.
 *
 * Terminal arcs are folded: min(s, t) is pushed straight to the sink, leaving excess max(s-t, 0)
 * and a residual max(t-s, 0) to the sink. Then the preflow phase of push-relabel (Goldberg &
 * Tarjan), synchronous in the style of Vineet & Narayanan's CUDA cuts, with the pushes of one phase
 * applied directly (residuals need no atomics: in one phase flow crosses an edge in at most one
 * direction, since both ends cannot be admissible towards each other; excesses are added
 * atomically):
 *   - global relabel: a breadth-first search from the sink in the residual graph, one level per
 *     sweep; a node that cannot reach the sink gets height INF and is out of play for good;
 *   - push phase: each active node (excess > 0, height < INF) pushes to the sink (height 1) and
 *     along admissible arcs (to a neighbour one lower) as much as it can;
 *   - relabel phase: an active node takes height 1 + the lowest neighbour it has residual capacity
 *     to, if that is higher than its own (heights never decrease, so concurrent relabels of
 *     neighbours keep the labelling valid: h(u) <= h(v) + 1 on every residual arc).
 * It ends when no node is active: the preflow is then maximum, the flow into the sink is the
 * max-flow value, and the nodes that can still reach the sink in the residual graph (a last global
 * relabel finds them) are the sink side of a minimum cut: the smallest sink side, where the CPU
 * solver returns the smallest source side. The two cuts have the same capacity and coincide when
 * the minimum cut is unique.
 */
#ifndef DEEPINSIDE_CUDA_PUSHRELABEL_H
#define DEEPINSIDE_CUDA_PUSHRELABEL_H

#include <cstdint>

#ifndef DI_PR_FN
#error "define DI_PR_FN before including pushrelabel.h"
#endif

namespace di_pr {

/* One grid's working memory (P = (width+2) * (height+2) padded nodes). */
struct Grid {
  int w, h, nd;      /* width, height, directions (4 or 8) */
  int64_t padded;    /* P */
  int32_t inf;       /* height of the nodes cut off from the sink: w*h + 1 */
  int32_t off[8];    /* neighbour offsets in the padded grid */
  double *rc;        /* residual of arc (p, d) at rc[d * P + p] */
  double *ex;        /* excess */
  double *tc;        /* residual capacity to the sink */
  int32_t *ht;       /* height */
};

/* What a solve reports. */
struct Stats {
  int status;        /* 0: done, 1: gave up after max_iterations */
  int64_t iterations; /* push/relabel rounds */
  int64_t relabels;  /* global relabels */
  int64_t levels;    /* breadth-first sweeps, over all global relabels */
};

/* Offsets, inf and padded size for a width x height grid of connectivity nd; pointers unset. */
DI_PR_FN Grid make_grid(int w, int h, int nd) {
  Grid g;
  g.w = w;
  g.h = h;
  g.nd = nd;
  const int s = w + 2;
  g.padded = static_cast<int64_t>(w + 2) * static_cast<int64_t>(h + 2);
  g.inf = static_cast<int32_t>(static_cast<int64_t>(w) * h + 1);
  if (nd == 4) {
    const int32_t o[4] = {1, s, -1, -s};
    for (int d = 0; d < 4; ++d) g.off[d] = o[d];
    for (int d = 4; d < 8; ++d) g.off[d] = 0;
  } else {
    const int32_t o[8] = {1, s, s + 1, s - 1, -1, -s, -s - 1, -s + 1};
    for (int d = 0; d < 8; ++d) g.off[d] = o[d];
  }
  g.rc = g.ex = g.tc = nullptr;
  g.ht = nullptr;
  return g;
}

/* Doubles and int32s of working memory one grid needs. */
inline int64_t grid_doubles(int w, int h, int nd) {
  return static_cast<int64_t>(w + 2) * static_cast<int64_t>(h + 2) * (nd + 2);
}
inline int64_t grid_ints(int w, int h) { return static_cast<int64_t>(w + 2) * static_cast<int64_t>(h + 2); }

/* Breadth-first search from the sink: ht = distance to the sink in the residual graph, inf where
 * it cannot be reached. Returns the number of sweeps. */
template <class E> DI_PR_FN int64_t global_relabel(E &e, const Grid &g) {
  const int64_t P = g.padded;
  const int32_t inf = g.inf;
  double *rc = g.rc;
  int32_t *ht = g.ht;
  const double *tc = g.tc;
  e.nodes([&](int, int, int64_t p) { ht[p] = tc[p] > 0.0 ? 1 : inf; });
  e.sync();
  int64_t sweeps = 0;
  for (int32_t level = 1;; ++level) {
    bool changed = false;
    e.nodes([&](int, int, int64_t p) {
      if (ht[p] != inf) return;
      for (int d = 0; d < g.nd; ++d) /* the heights first: they may be in faster memory */
        if (ht[p + g.off[d]] == level && rc[d * P + p] > 0.0) {
          ht[p] = level + 1;
          changed = true;
          return;
        }
    });
    ++sweeps;
    if (!e.any(changed)) break;
  }
  return sweeps;
}

/* Solves one grid. source_cap, sink_cap (w*h) and edge_cap (w*h*nd/2) as di_maxflow_grid;
 * label (w*h) gets 1 on the source side; the return value is the flow. interval: push/relabel
 * rounds between global relabels, or 0: as many as the last global relabel took sweeps (16..256). */
template <class E>
DI_PR_FN double solve(E &e, const Grid &g, const float *source_cap, const float *sink_cap, const float *edge_cap,
                      uint8_t *label, int interval, int64_t max_iterations, Stats *stats) {
  const int64_t P = g.padded;
  const int nd = g.nd, half = g.nd / 2;
  const int32_t inf = g.inf;
  double *rc = g.rc, *ex = g.ex, *tc = g.tc;
  int32_t *ht = g.ht;

  /* the border: dead nodes with no arcs */
  e.padded([&](int64_t p) {
    ex[p] = 0.0;
    tc[p] = 0.0;
    ht[p] = inf;
    for (int d = 0; d < nd; ++d) rc[d * P + p] = 0.0;
  });
  e.sync();
  /* each forward arc and its reverse are written by the arc's tail: every entry once. The flow
   * that reaches the sink is counted as it goes (a huge residual to the sink can absorb small
   * pushes without changing), in this thread's `sunk`. */
  double sunk = 0.0;
  e.nodes([&](int x, int y, int64_t p) {
    const int64_t i = static_cast<int64_t>(y) * g.w + x;
    const double s = source_cap[i], t = sink_cap[i];
    sunk += s < t ? s : t;
    ex[p] = s > t ? s - t : 0.0;
    tc[p] = t > s ? t - s : 0.0;
    for (int d = 0; d < half; ++d) {
      const int nx = x + (d == 0 ? 1 : d == 1 ? 0 : d == 2 ? 1 : -1);
      const int ny = y + (d == 0 ? 0 : 1);
      if (nx < 0 || nx >= g.w || ny >= g.h) continue;
      const double c = edge_cap[half * i + d];
      rc[d * P + p] = c;
      rc[(d ^ half) * P + p + g.off[d]] = c;
    }
  });
  e.sync();

  int64_t iterations = 0, relabels = 0, levels = 0;
  int status = 0;
  for (;;) {
    const int64_t sweeps = global_relabel(e, g);
    levels += sweeps;
    ++relabels;
    bool active = false;
    e.nodes([&](int, int, int64_t p) {
      if (ht[p] < inf && ex[p] > 0.0) active = true;
    });
    if (!e.any(active)) break;
    if (iterations >= max_iterations) {
      status = 1;
      break;
    }
    /* about as many push/relabel rounds as the search took sweeps, so that neither dominates */
    const int64_t rounds = interval > 0 ? interval : sweeps < 16 ? 16 : sweeps > 256 ? 256 : sweeps;
    for (int64_t round = 0; round < rounds; ++round) {
      ++iterations;
      /* push */
      e.nodes([&](int, int, int64_t p) {
        const int32_t h = ht[p];
        if (h >= inf) return;
        const double x0 = ex[p];
        if (!(x0 > 0.0)) return;
        double x = x0;
        if (h == 1) {
          const double t = tc[p];
          if (t > 0.0) {
            const double f = x < t ? x : t;
            tc[p] = t - f;
            sunk += f;
            x -= f;
          }
        }
        for (int d = 0; d < nd && x > 0.0; ++d) {
          const int64_t q = p + g.off[d];
          if (ht[q] != h - 1) continue;
          const double r = rc[d * P + p];
          if (!(r > 0.0)) continue;
          const double f = x < r ? x : r;
          rc[d * P + p] = r - f;
          rc[(d ^ half) * P + q] += f;
          e.add(&ex[q], f);
          x -= f;
        }
        if (x != x0) e.add(&ex[p], x == 0.0 ? -x0 : -(x0 - x));
      });
      e.sync();
      /* relabel */
      active = false;
      e.nodes([&](int, int, int64_t p) {
        const int32_t h = ht[p];
        if (h >= inf || !(ex[p] > 0.0)) return;
        int32_t m = inf;
        if (tc[p] > 0.0) {
          m = 1;
        } else {
          for (int d = 0; d < nd; ++d) {
            const int32_t hq = ht[p + g.off[d]];
            if (hq < m && rc[d * P + p] > 0.0) m = hq;
          }
          if (m < inf) ++m;
        }
        if (m > h) ht[p] = m;
        if ((m > h ? m : h) < inf) active = true;
      });
      if (!e.any(active)) break;
      if (iterations >= max_iterations) break;
    }
  }

  /* the source side: nodes that cannot reach the sink; the flow: what reached the sink */
  e.nodes([&](int x, int y, int64_t p) { label[static_cast<int64_t>(y) * g.w + x] = ht[p] >= inf ? 1 : 0; });
  const double flow = e.sum(sunk);
  if (stats) {
    stats->status = status;
    stats->iterations = iterations;
    stats->relabels = relabels;
    stats->levels = levels;
  }
  return flow;
}

} // namespace di_pr

#endif
