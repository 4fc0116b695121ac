/*
 * The CUDA side of the core (deepinside.cu, built into the static library deepinside_cuda when a
 * toolkit is found): host entry points called by dispatch.cpp, which validates every argument
 * first. They depend on nothing else in the core, and this header on nothing of CUDA's.
 *
 * Each returns DI_OK or a DI_E_* code with a message in err (err_len bytes, always terminated).
 */
#ifndef DEEPINSIDE_CUDA_KERNELS_H
#define DEEPINSIDE_CUDA_KERNELS_H

#include <cstddef>
#include <cstdint>

#include "deepinside.h"

namespace di_cuda {

/* A mixture as the kernel reads it: derived fields computed and checked by the caller (as
 * di_gmm_loglik does); components with use[c] == 0 (weight 0) are skipped. */
struct Gmm {
  int k;
  int use[DI_MAX_COMPONENTS];
  double mean[DI_MAX_COMPONENTS][3];
  double inv[DI_MAX_COMPONENTS][9];
  double log_norm[DI_MAX_COMPONENTS];
};

/* 1 and the device's description in why, or 0 and the reason (no driver, no device, no kernel
 * image for it). The answer is worked out once per process. */
int available(char *why, size_t why_len);

/* Negative log-likelihoods of batch images of n samples each (samples: batch*n*3 floats): fg_out
 * and bg_out (batch*n) get -log p under fg[b] and bg[b]. bg and bg_out may both be null. */
int gmm_nll_batch(int batch, size_t n, const float *samples, const Gmm *fg, const Gmm *bg, float *fg_out,
                  float *bg_out, char *err, size_t err_len);

/* Max-flow of batch grids of one size, layout as di_maxflow_grid, grid after grid. */
int maxflow_grid_batch(int batch, int width, int height, int connectivity, const float *source_cap,
                       const float *sink_cap, const float *edge_cap, uint8_t *label, double *flow, char *err,
                       size_t err_len);

/* Kernel images present for the current device: false with the CUDA error in err. */
bool gmm_kernel_ok(char *err, size_t err_len);
bool maxflow_kernel_ok(char *err, size_t err_len);

/* What the last maxflow_grid_batch on this thread did, for tests and benchmarks. */
struct MaxflowReport {
  double kernel_ms;         /* the solve kernels, by CUDA events */
  double total_ms;          /* the whole call: allocation, copies, kernels */
  int64_t max_iterations;   /* push/relabel rounds, largest over the batch */
  int64_t sum_iterations;   /* and summed */
  int64_t sum_relabels;     /* global relabels, summed */
  int64_t sum_levels;       /* breadth-first sweeps, summed */
  int threads;              /* threads per block (one block per grid) */
  int shared_heights;       /* 1: the heights were kept in shared memory */
  int chunks;               /* kernel launches (the batch is cut to bound device memory) */
};
MaxflowReport last_maxflow_report();

} // namespace di_cuda

#endif
