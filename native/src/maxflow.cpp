/*
 * Exact max-flow / min-cut on 4- and 8-connected grids: the Boykov-Kolmogorov algorithm
 * ("An Experimental Comparison of Min-Cut/Max-Flow Algorithms for Energy Minimization in Vision",
 * PAMI 2004; the structure of maxflow-v3: search trees grown from both terminals, augmentation
 * along the found path, orphan adoption with the timestamp/distance heuristic, a FIFO of active
 * nodes), specialised for grids in the spirit of GridCut (Jamriska et al. 2012), the fastest
 * serial solver on grid problems in Jensen et al.'s 2022 review:
 *   - no adjacency lists: the neighbour of node p in direction d is p + off[d], on a grid padded
 *     with a one-pixel border of dead nodes (no capacity, never in a tree), so no bounds checks;
 *   - residual capacities in one flat array, rc[p * D + d] for the arc p -> p + off[d], whose
 *     reverse arc is (p + off[d], opp(d)) with opp(d) = d ^ (D/2);
 *   - a node's parent is a direction byte (with the tree bit), kept apart from the residuals so
 *     the tree walks stay in cache; source and sink capacities are folded into one signed
 *     terminal residual per node (their common part is pushed straight away).
 * Residuals and the flow are kept in double, so the flow equals the capacity of the returned cut
 * to rounding (~1e-15 relative), and the cut is the minimal one: label 1 exactly for the nodes
 * reachable from the source in the final residual graph. (Float residuals were tried: no faster
 * here, and the flow then drifts from the cut by ~1e-7 relative.)
 *
 * GridMaxflow::resolve warm-starts a solve after the terminal capacities change (GrabCut's later
 * iterations), keeping the n-link flows, as in Kohli & Torr's dynamic graph cuts.
 *
 * Directions: 4-connected 0 right, 1 down, 2 left, 3 up; 8-connected 0 right, 1 down,
 * 2 down-right, 3 down-left, 4 left, 5 up, 6 up-left, 7 up-right. The first D/2 are the
 * "forward" ones of the C ABI's edge_cap layout.
 */
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <memory>

#include "internal.h"

namespace {

const uint8_t P_TERMINAL = 8; /* parent is the terminal (tr != 0) */
const uint8_t P_ORPHAN = 9;   /* lost its parent during augmentation, awaiting adoption */
const uint8_t P_NONE = 10;    /* free node */
const int32_t INF_D = INT_MAX;

/* forward directions of the C ABI's edge_cap layout; direction d + D/2 is the opposite of d */
const int DX[4] = {1, 0, 1, -1};
const int DY[4] = {0, 1, 1, 1};

/* Per-node state, structure of arrays: the tree walks of augmentation and adoption read only the
 * one-byte tree codes and the timestamps, which stay in cache on large grids; the residuals of a
 * node's ND outgoing arcs are contiguous. */
template <int ND> class BK {
public:
  BK(int w, int h) : w_(w), h_(h), stride_(w + 2) {
    const int s = stride_;
    const int32_t o4[4] = {1, s, -1, -s};
    const int32_t o8[8] = {1, s, s + 1, s - 1, -1, -s, -s - 1, -s + 1};
    for (int d = 0; d < ND; ++d) off_[d] = ND == 4 ? o4[d] : o8[d];
    total_ = static_cast<size_t>(w + 2) * static_cast<size_t>(h + 2);
    rc_.reset(new double[total_ * ND]);
    tr_.reset(new double[total_]);
    tree_.reset(new uint8_t[total_]);
    stamp_.reset(new Stamp[total_]);
    next_.reset(new int32_t[total_]);
    orphans_.reserve(1024);
    path_.reserve(1024);
  }

  double solve(const float *source_cap, const float *sink_cap, const float *edge_cap, uint8_t *label);
  void resolve(const float *source_cap, const float *sink_cap, const float *prev_source, const float *prev_sink,
               uint8_t *label);

private:
  static constexpr int HALF = ND / 2;
  static uint8_t opp(int d) { return static_cast<uint8_t>(d ^ HALF); }
  /* tree code: low nibble the parent (direction, P_TERMINAL, P_ORPHAN, P_NONE), bit 4 sink tree */
  static constexpr uint8_t SINK_BIT = 16;
  uint8_t parent(int32_t p) const { return tree_[p] & 15; }
  bool is_sink(int32_t p) const { return (tree_[p] & SINK_BIT) != 0; }
  void set_parent(int32_t p, uint8_t par) { tree_[p] = static_cast<uint8_t>((tree_[p] & SINK_BIT) | par); }
  double &rc(int32_t p, int d) { return rc_[static_cast<size_t>(p) * ND + d]; }

  struct Stamp {
    int32_t ts;   /* time of the last distance check */
    int32_t dist; /* distance to the terminal (heuristic) */
  };

  int w_, h_, stride_;
  size_t total_;
  int32_t off_[ND];
  std::unique_ptr<double[]> rc_;    /* residual of arc (p, d) at p * ND + d */
  std::unique_ptr<double[]> tr_;    /* terminal residual: > 0 towards the source, < 0 towards the sink */
  std::unique_ptr<uint8_t[]> tree_; /* tree codes */
  std::unique_ptr<Stamp[]> stamp_;
  std::unique_ptr<int32_t[]> next_; /* active FIFO link: -1 not queued, self = last */
  std::vector<int32_t> orphans_;
  std::vector<int32_t> path_; /* the nodes of the path being augmented */
  int32_t qhead_ = -1, qtail_ = -1, time_ = 0;
  double flow_ = 0.0;

  void load(const float *source_cap, const float *sink_cap, const float *edge_cap);
  void reset_trees();
  void labels(uint8_t *label) const;
  void set_active(int32_t i);
  int32_t next_active();
  void augment(int32_t s, int d);
  template <bool SINK> void adopt(int32_t i);
  void run();
};

template <int ND> inline void BK<ND>::set_active(int32_t i) {
  if (next_[i] >= 0) return;
  if (qtail_ >= 0)
    next_[qtail_] = i;
  else
    qhead_ = i;
  qtail_ = i;
  next_[i] = i;
}

template <int ND> inline int32_t BK<ND>::next_active() {
  while (qhead_ >= 0) {
    const int32_t i = qhead_;
    if (next_[i] == i)
      qhead_ = qtail_ = -1;
    else
      qhead_ = next_[i];
    next_[i] = -1;
    if (parent(i) != P_NONE) return i; /* a queued node is active iff it is in a tree */
  }
  return -1;
}

/* Pushes the bottleneck along source root -> ... -> s -> t -> ... -> sink root, where (s, d) is
 * the arc joining the two trees; nodes whose parent arc saturates become orphans. The first walk
 * records the path so that the second one issues independent loads. */
template <int ND> void BK<ND>::augment(int32_t s, int d) {
  const int32_t t = s + off_[d];
  double b = rc(s, d);
  path_.clear();
  int32_t i = s;
  for (uint8_t pd; (pd = parent(i)) != P_TERMINAL;) {
    const int32_t par = i + off_[pd];
    const double r = rc(par, opp(pd));
    if (r < b) b = r;
    path_.push_back(i);
    i = par;
  }
  const int32_t source_root = i;
  if (tr_[i] < b) b = tr_[i];
  const size_t split = path_.size();
  i = t;
  for (uint8_t pd; (pd = parent(i)) != P_TERMINAL;) {
    const double r = rc(i, pd);
    if (r < b) b = r;
    path_.push_back(i);
    i += off_[pd];
  }
  const int32_t sink_root = i;
  if (-tr_[i] < b) b = -tr_[i];

  rc(s, d) -= b;
  rc(t, opp(d)) += b;
  /* orphans go root-most first, as BK's front insertion orders them */
  const size_t first_orphan = orphans_.size();
  for (size_t k = 0; k < split; ++k) {
    const int32_t v = path_[k];
    const uint8_t pd = parent(v);
    double &down = rc(v + off_[pd], opp(pd));
    down -= b;
    rc(v, pd) += b;
    if (down == 0.0) {
      set_parent(v, P_ORPHAN);
      orphans_.push_back(v);
    }
  }
  tr_[source_root] -= b;
  if (tr_[source_root] == 0.0) {
    set_parent(source_root, P_ORPHAN);
    orphans_.push_back(source_root);
  }
  for (size_t k = split; k < path_.size(); ++k) {
    const int32_t v = path_[k];
    const uint8_t pd = parent(v);
    double &up = rc(v, pd);
    up -= b;
    rc(v + off_[pd], opp(pd)) += b;
    if (up == 0.0) {
      set_parent(v, P_ORPHAN);
      orphans_.push_back(v);
    }
  }
  tr_[sink_root] += b;
  if (tr_[sink_root] == 0.0) {
    set_parent(sink_root, P_ORPHAN);
    orphans_.push_back(sink_root);
  }
  std::reverse(orphans_.begin() + static_cast<std::ptrdiff_t>(first_orphan), orphans_.end());
  flow_ += b;
}

/* An orphan looks for a new parent among its neighbours j of the same tree that have residual
 * capacity towards it (source tree: j -> i; sink tree: i -> j) and whose own path still reaches
 * the terminal, preferring the shortest; failing that it becomes free, its children become
 * orphans and its tree neighbours become active again. */
template <int ND> template <bool SINK> void BK<ND>::adopt(int32_t i) {
  const uint8_t want = SINK ? SINK_BIT : 0;
  int32_t d_min = INF_D;
  int a_min = -1;
  for (int d = 0; d < ND; ++d) {
    const int32_t j = i + off_[d];
    const uint8_t tj = tree_[j];
    if ((tj & 15) == P_NONE || (tj & SINK_BIT) != want) continue;
    const double r = SINK ? rc(i, d) : rc(j, opp(d));
    if (!(r > 0.0)) continue;
    /* check the origin of j */
    int32_t dist = 0;
    int32_t k = j;
    for (;;) {
      Stamp &sk = stamp_[k];
      if (sk.ts == time_) {
        dist += sk.dist;
        break;
      }
      const uint8_t a = parent(k);
      ++dist;
      if (a == P_TERMINAL) {
        sk.ts = time_;
        sk.dist = 1;
        break;
      }
      if (a == P_ORPHAN) {
        dist = INF_D;
        break;
      }
      k += off_[a];
    }
    if (dist < INF_D) {
      if (dist < d_min) {
        a_min = d;
        d_min = dist;
      }
      for (k = j; stamp_[k].ts != time_; k += off_[parent(k)]) {
        stamp_[k].ts = time_;
        stamp_[k].dist = dist--;
      }
    }
  }
  if (a_min >= 0) {
    set_parent(i, static_cast<uint8_t>(a_min));
    stamp_[i].ts = time_;
    stamp_[i].dist = d_min + 1;
    return;
  }
  set_parent(i, P_NONE);
  for (int d = 0; d < ND; ++d) {
    const int32_t j = i + off_[d];
    const uint8_t tj = tree_[j];
    if ((tj & 15) == P_NONE || (tj & SINK_BIT) != want) continue;
    if ((SINK ? rc(i, d) : rc(j, opp(d))) > 0.0) set_active(j);
    if ((tj & 15) == opp(d)) { /* j's parent was i */
      set_parent(j, P_ORPHAN);
      orphans_.push_back(j);
    }
  }
}

template <int ND> void BK<ND>::run() {
  int32_t current = -1;
  for (;;) {
    int32_t i = -1;
    if (current >= 0) {
      next_[current] = -1;
      if (parent(current) != P_NONE) i = current;
    }
    if (i < 0 && (i = next_active()) < 0) break;

    /* growth */
    int32_t mid = -1; /* the arc (mid, mid_d) from the source tree into the sink tree */
    int mid_d = 0;
    const Stamp si = stamp_[i];
    if (!is_sink(i)) {
      const double *ri = rc_.get() + static_cast<size_t>(i) * ND;
      for (int d = 0; d < ND; ++d) {
        if (!(ri[d] > 0.0)) continue;
        const int32_t j = i + off_[d];
        const uint8_t tj = tree_[j];
        if ((tj & 15) == P_NONE) {
          tree_[j] = opp(d);
          stamp_[j].ts = si.ts;
          stamp_[j].dist = si.dist + 1;
          set_active(j);
        } else if (tj & SINK_BIT) {
          mid = i;
          mid_d = d;
          break;
        } else if (stamp_[j].ts <= si.ts && stamp_[j].dist > si.dist) {
          /* heuristic: a shorter path to the source through i */
          tree_[j] = opp(d);
          stamp_[j].ts = si.ts;
          stamp_[j].dist = si.dist + 1;
        }
      }
    } else {
      for (int d = 0; d < ND; ++d) {
        const int32_t j = i + off_[d];
        if (!(rc(j, opp(d)) > 0.0)) continue;
        const uint8_t tj = tree_[j];
        if ((tj & 15) == P_NONE) {
          tree_[j] = static_cast<uint8_t>(SINK_BIT | opp(d));
          stamp_[j].ts = si.ts;
          stamp_[j].dist = si.dist + 1;
          set_active(j);
        } else if (!(tj & SINK_BIT)) {
          mid = j;
          mid_d = opp(d);
          break;
        } else if (stamp_[j].ts <= si.ts && stamp_[j].dist > si.dist) {
          tree_[j] = static_cast<uint8_t>(SINK_BIT | opp(d));
          stamp_[j].ts = si.ts;
          stamp_[j].dist = si.dist + 1;
        }
      }
    }

    if (time_ == INT_MAX - 1) { /* timestamps only date distance checks: restarting them is safe */
      for (size_t k = 0; k < total_; ++k) stamp_[k].ts = 0;
      time_ = 0;
    }
    ++time_;

    if (mid < 0) {
      current = -1;
      continue;
    }
    next_[i] = i; /* keeps i out of the queue: it resumes growing next round */
    current = i;
    augment(mid, mid_d);
    /* adoption, first in first out */
    for (size_t h = 0; h < orphans_.size(); ++h) {
      const int32_t o = orphans_[h];
      if (is_sink(o))
        adopt<true>(o);
      else
        adopt<false>(o);
    }
    orphans_.clear();
  }
}

/* Fills the padded grid: residuals from the capacities (0 towards and at the border), terminal
 * residuals with the common part of the two terminal capacities already pushed, and the trees'
 * roots: every terminal-linked node. */
template <int ND> void BK<ND>::load(const float *source_cap, const float *sink_cap, const float *edge_cap) {
  const int s = stride_;
  reset_trees();
  std::fill(rc_.get(), rc_.get() + static_cast<size_t>(s) * ND, 0.0);
  std::fill(rc_.get() + (total_ - static_cast<size_t>(s)) * ND, rc_.get() + total_ * ND, 0.0);
  std::fill(tr_.get(), tr_.get() + total_, 0.0);
  double common = 0.0;
  for (int y = 0; y < h_; ++y) {
    std::fill(&rc((y + 1) * s, 0), &rc((y + 1) * s, 0) + ND, 0.0);
    std::fill(&rc((y + 1) * s + w_ + 1, 0), &rc((y + 1) * s + w_ + 1, 0) + ND, 0.0);
    const size_t row = static_cast<size_t>(y) * w_;
    const bool top = y == 0, bottom = y == h_ - 1;
    /* residuals: forward arcs from this pixel's entries, backward arcs from the neighbours' */
    auto arcs = [&](int x, bool check) {
      const size_t i = row + x;
      double *r = &rc((y + 1) * s + x + 1, 0);
      for (int d = 0; d < HALF; ++d) {
        const int dx = DX[d], dy = DY[d];
        const bool fwd = !check || (x + dx >= 0 && x + dx < w_ && (dy == 0 || !bottom));
        const bool bwd = !check || (x - dx >= 0 && x - dx < w_ && (dy == 0 || !top));
        r[d] = fwd ? static_cast<double>(edge_cap[HALF * i + d]) : 0.0;
        r[d + HALF] = bwd ? static_cast<double>(edge_cap[HALF * (i - static_cast<size_t>(dy) * w_ - dx) + d]) : 0.0;
      }
    };
    if (top || bottom || w_ < 3) {
      for (int x = 0; x < w_; ++x) arcs(x, true);
    } else {
      arcs(0, true);
      for (int x = 1; x < w_ - 1; ++x) arcs(x, false);
      arcs(w_ - 1, true);
    }
    for (int x = 0; x < w_; ++x) {
      const size_t i = row + x;
      const int32_t p = (y + 1) * s + x + 1;
      const double a = source_cap[i], b = sink_cap[i];
      common += a < b ? a : b;
      const double t = a - b;
      tr_[p] = t;
      if (t != 0.0) {
        tree_[p] = static_cast<uint8_t>(P_TERMINAL | (t < 0.0 ? SINK_BIT : 0));
        stamp_[p].dist = 1;
        set_active(p);
      }
    }
  }
  flow_ = common;
}

template <int ND> void BK<ND>::reset_trees() {
  qhead_ = qtail_ = -1;
  time_ = 0;
  orphans_.clear();
  std::fill(tree_.get(), tree_.get() + total_, P_NONE);
  std::fill(stamp_.get(), stamp_.get() + total_, Stamp{0, 0});
  std::fill(next_.get(), next_.get() + total_, -1);
}

template <int ND> void BK<ND>::labels(uint8_t *label) const {
  for (int y = 0; y < h_; ++y)
    for (int x = 0; x < w_; ++x) {
      const int32_t p = (y + 1) * stride_ + x + 1;
      label[static_cast<size_t>(y) * w_ + x] = (parent(p) != P_NONE && !is_sink(p)) ? 1 : 0;
    }
}

template <int ND>
double BK<ND>::solve(const float *source_cap, const float *sink_cap, const float *edge_cap, uint8_t *label) {
  load(source_cap, sink_cap, edge_cap);
  run();
  labels(label);
  return flow_;
}

/* Warm start (Kohli & Torr's dynamic graph cuts): the n-link flows of the last solve stay, each
 * terminal residual takes the change of its node's terminal capacities. Changing a node's two
 * terminal capacities by the same amount does not move the minimum cut, so the residual is valid
 * whatever the change; the search trees are rebuilt from the new terminal residuals. */
template <int ND>
void BK<ND>::resolve(const float *source_cap, const float *sink_cap, const float *prev_source, const float *prev_sink,
                     uint8_t *label) {
  reset_trees();
  for (int y = 0; y < h_; ++y)
    for (int x = 0; x < w_; ++x) {
      const size_t i = static_cast<size_t>(y) * w_ + x;
      const int32_t p = (y + 1) * stride_ + x + 1;
      const double t = tr_[p] + ((static_cast<double>(source_cap[i]) - static_cast<double>(sink_cap[i])) -
                                 (static_cast<double>(prev_source[i]) - static_cast<double>(prev_sink[i])));
      tr_[p] = t;
      if (t != 0.0) {
        tree_[p] = static_cast<uint8_t>(P_TERMINAL | (t < 0.0 ? SINK_BIT : 0));
        stamp_[p].dist = 1;
        set_active(p);
      }
    }
  run();
  labels(label);
}

/* finite, non-negative capacities; `batched` names grid and pixel of a bad one */
int check_caps(const char *fn, const char *name, const float *v, size_t n, size_t per_grid, bool batched) {
  for (size_t i = 0; i < n; ++i) {
    if (std::isfinite(v[i]) && v[i] >= 0.0f) continue;
    char where[64] = "";
    if (batched) std::snprintf(where, sizeof where, " (grid %zu, pixel %zu)", i / per_grid, i % per_grid);
    if (!std::isfinite(v[i])) return di::fail(DI_E_VALUE, "%s: %s[%zu]%s is %g, not finite", fn, name, i, where, v[i]);
    return di::fail(DI_E_ARGUMENT, "%s: %s[%zu]%s is %g, capacities must be >= 0", fn, name, i, where, v[i]);
  }
  return DI_OK;
}

} // namespace

namespace di {

struct GridMaxflow::Impl {
  std::unique_ptr<BK<4>> bk4;
  std::unique_ptr<BK<8>> bk8;
};

GridMaxflow::GridMaxflow(int width, int height, int connectivity) : impl_(new Impl) {
  try {
    if (connectivity == 4)
      impl_->bk4.reset(new BK<4>(width, height));
    else
      impl_->bk8.reset(new BK<8>(width, height));
  } catch (...) {
    delete impl_;
    throw;
  }
}

GridMaxflow::~GridMaxflow() { delete impl_; }

double GridMaxflow::solve(const float *source_cap, const float *sink_cap, const float *edge_cap, uint8_t *label) {
  return impl_->bk4 ? impl_->bk4->solve(source_cap, sink_cap, edge_cap, label)
                    : impl_->bk8->solve(source_cap, sink_cap, edge_cap, label);
}

void GridMaxflow::resolve(const float *source_cap, const float *sink_cap, const float *prev_source,
                          const float *prev_sink, uint8_t *label) {
  if (impl_->bk4)
    impl_->bk4->resolve(source_cap, sink_cap, prev_source, prev_sink, label);
  else
    impl_->bk8->resolve(source_cap, sink_cap, prev_source, prev_sink, label);
}

double cut_capacity(int width, int height, int connectivity, const float *source_cap, const float *sink_cap,
                    const float *edge_cap, const uint8_t *label) {
  const int half = connectivity / 2;
  double c = 0.0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const size_t i = static_cast<size_t>(y) * width + x;
      c += label[i] ? sink_cap[i] : source_cap[i];
      for (int d = 0; d < half; ++d) {
        const int nx = x + DX[d], ny = y + DY[d];
        if (nx < 0 || nx >= width || ny >= height) continue;
        if (label[i] != label[static_cast<size_t>(ny) * width + nx]) c += edge_cap[half * i + d];
      }
    }
  return c;
}


int check_maxflow_args(const char *fn, int batch, bool batched, int width, int height, int connectivity,
                       const float *source_cap, const float *sink_cap, const float *edge_cap, const uint8_t *label,
                       const double *flow) {
  if (connectivity != 4 && connectivity != 8)
    return fail(DI_E_ARGUMENT, "%s: connectivity must be 4 or 8, got %d", fn, connectivity);
  if (!source_cap) return fail(DI_E_ARGUMENT, "%s: source_cap is NULL", fn);
  if (!sink_cap) return fail(DI_E_ARGUMENT, "%s: sink_cap is NULL", fn);
  if (!edge_cap) return fail(DI_E_ARGUMENT, "%s: edge_cap is NULL", fn);
  if (!label) return fail(DI_E_ARGUMENT, "%s: label is NULL", fn);
  if (!flow) return fail(DI_E_ARGUMENT, "%s: flow is NULL", fn);
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  const size_t total = static_cast<size_t>(batch) * n;
  if (int rc = check_caps(fn, "source_cap", source_cap, total, n, batched)) return rc;
  if (int rc = check_caps(fn, "sink_cap", sink_cap, total, n, batched)) return rc;
  /* edge entries that point outside the grid are ignored, so they are not checked either */
  const int half = connectivity / 2;
  for (int b = 0; b < batch; ++b)
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        for (int d = 0; d < half; ++d) {
          const int nx = x + DX[d], ny = y + DY[d];
          if (nx < 0 || nx >= width || ny >= height) continue;
          const size_t e = static_cast<size_t>(half) * (static_cast<size_t>(b) * n + static_cast<size_t>(y) * width + x) + d;
          const float v = edge_cap[e];
          if (std::isfinite(v) && v >= 0.0f) continue;
          char where[32] = "";
          if (batched) std::snprintf(where, sizeof where, " (grid %d)", b);
          if (!std::isfinite(v)) return fail(DI_E_VALUE, "%s: edge_cap[%zu]%s is %g, not finite", fn, e, where, v);
          return fail(DI_E_ARGUMENT, "%s: edge_cap[%zu]%s is %g, capacities must be >= 0", fn, e, where, v);
        }
  return DI_OK;
}

} // namespace di

namespace {

int maxflow_checked(int width, int height, int connectivity, const float *source_cap, const float *sink_cap,
                    const float *edge_cap, uint8_t *label, double *flow) {
  const char *fn = "di_maxflow_grid";
  if (int rc = di::check_image_size(fn, width, height)) return rc;
  if (int rc = di::check_maxflow_args(fn, 1, false, width, height, connectivity, source_cap, sink_cap, edge_cap, label,
                                      flow))
    return rc;
  di::GridMaxflow g(width, height, connectivity);
  *flow = g.solve(source_cap, sink_cap, edge_cap, label); /* writes label only once it has finished */
  return DI_OK;
}

} // namespace

extern "C" int di_maxflow_grid(int width, int height, int connectivity, const float *source_cap, const float *sink_cap,
                               const float *edge_cap, uint8_t *label, double *flow) {
  return di::guarded("di_maxflow_grid", [&] {
    return maxflow_checked(width, height, connectivity, source_cap, sink_cap, edge_cap, label, flow);
  });
}
