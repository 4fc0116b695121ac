/*
 * Reference max-flow: Dinic's algorithm (BFS levels, then blocking flows by DFS) on an explicit
 * adjacency list in double precision, with no grid tricks, for checking the grid solver.
 * Each undirected neighbour edge of capacity c becomes two arcs p->q and q->p of capacity c that
 * are each other's reverse.
 */
#include "reference_maxflow.h"

#include <algorithm>
#include <queue>

namespace {

struct Arc {
  int to;
  int rev; /* index of the reverse arc in adj[to] */
  double cap;
};

struct Dinic {
  std::vector<std::vector<Arc>> adj;
  std::vector<int> level;
  std::vector<size_t> it;

  explicit Dinic(int n) : adj(n), level(n), it(n) {}

  void add(int a, int b, double cab, double cba) {
    adj[a].push_back({b, static_cast<int>(adj[b].size()), cab});
    adj[b].push_back({a, static_cast<int>(adj[a].size()) - 1, cba});
  }

  bool bfs(int s, int t) {
    std::fill(level.begin(), level.end(), -1);
    std::queue<int> q;
    level[s] = 0;
    q.push(s);
    while (!q.empty()) {
      const int v = q.front();
      q.pop();
      for (const Arc &a : adj[v])
        if (a.cap > 0 && level[a.to] < 0) {
          level[a.to] = level[v] + 1;
          q.push(a.to);
        }
    }
    return level[t] >= 0;
  }

  double dfs(int v, int t, double f) {
    if (v == t) return f;
    for (size_t &i = it[v]; i < adj[v].size(); ++i) {
      Arc &a = adj[v][i];
      if (a.cap > 0 && level[a.to] == level[v] + 1) {
        const double d = dfs(a.to, t, std::min(f, a.cap));
        if (d > 0) {
          a.cap -= d;
          adj[a.to][a.rev].cap += d;
          return d;
        }
      }
    }
    return 0;
  }

  double run(int s, int t) {
    double flow = 0;
    while (bfs(s, t)) {
      std::fill(it.begin(), it.end(), 0);
      for (;;) {
        const double f = dfs(s, t, 1e300);
        if (!(f > 0)) break;
        flow += f;
      }
    }
    return flow;
  }
};

const int DX[4] = {1, 0, 1, -1};
const int DY[4] = {0, 1, 1, 1};

} // namespace

ReferenceCut reference_maxflow_grid(int width, int height, int connectivity, const float *source_cap,
                                    const float *sink_cap, const float *edge_cap) {
  const int n = width * height, s = n, t = n + 1, half = connectivity / 2;
  Dinic g(n + 2);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const int p = y * width + x;
      g.add(s, p, source_cap[p], 0);
      g.add(p, t, sink_cap[p], 0);
      for (int d = 0; d < half; ++d) {
        const int nx = x + DX[d], ny = y + DY[d];
        if (nx < 0 || nx >= width || ny >= height) continue;
        const double c = edge_cap[half * p + d];
        g.add(p, ny * width + nx, c, c);
      }
    }
  ReferenceCut r;
  r.flow = g.run(s, t);
  g.bfs(s, t);
  r.source_side.resize(n);
  for (int p = 0; p < n; ++p) r.source_side[p] = g.level[p] >= 0 ? 1 : 0;
  return r;
}
