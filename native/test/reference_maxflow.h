/* A plain Dinic max-flow on an explicit adjacency list: the obviously-correct reference the grid
 * solver is tested against. */
#ifndef DEEPINSIDE_REFERENCE_MAXFLOW_H
#define DEEPINSIDE_REFERENCE_MAXFLOW_H

#include <cstdint>
#include <vector>

struct ReferenceCut {
  double flow;
  std::vector<uint8_t> source_side; /* 1: reachable from the source in the final residual graph */
};

/* Same inputs and layout as di_maxflow_grid. */
ReferenceCut reference_maxflow_grid(int width, int height, int connectivity, const float *source_cap,
                                    const float *sink_cap, const float *edge_cap);

#endif
