/*
 * deepinside native core: one C ABI over plain buffers, shared by the N-API addon, the
 * WebAssembly build and the tests. All logic lives behind it (native/src); bindings stay thin.
 *
 * Conventions
 * - Images are RGB, 8-bit, row-major HWC (width*height*3 bytes).
 * - Maps are float32, row-major (width*height).
 * - Masks are uint8, row-major. GrabCut labels follow OpenCV: 0 = background (hard seed),
 *   1 = foreground (hard seed), 2 = probably background, 3 = probably foreground.
 * - Every function returns DI_OK (0) or a negative DI_E_* code; di_last_error() then gives a
 *   message that names the argument and the value at fault. Nothing is written to an output
 *   buffer when a call fails on bad input.
 */
#ifndef DEEPINSIDE_H
#define DEEPINSIDE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DI_OK 0
#define DI_E_ARGUMENT (-1)   /* a null pointer, a size that disagrees, an out-of-range parameter */
#define DI_E_SIZE (-2)       /* zero or absurd dimensions */
#define DI_E_VALUE (-3)      /* NaN or infinite values where finite ones are needed */
#define DI_E_SEEDS (-4)      /* no foreground or no background seeds */
#define DI_E_MEMORY (-5)     /* allocation failed */
#define DI_E_UNAVAILABLE (-6) /* the di_cuda_* functions: built without CUDA, no usable device, a CUDA error */

/* Largest accepted image: 2^26 pixels (a 8192x8192 image), and at most 65536 on a side. */
#define DI_MAX_PIXELS (1 << 26)
#define DI_MAX_SIDE 65536
#define DI_MAX_COMPONENTS 16

/* Message of the last failed call on this thread ("" when none). */
const char *di_last_error(void);

/* Version of the core, for reports. */
const char *di_version(void);

/* ---- quantiles ---- */

/* q-quantile (0 <= q <= 1) of n finite values, linear interpolation between order statistics
 * (numpy's default). NaN/Inf in map -> DI_E_VALUE. */
int di_quantile(const float *map, size_t n, double q, float *out);

/* ---- Gaussian mixture colour models ---- */

typedef struct di_gmm {
  int k;                    /* components in use, 1..DI_MAX_COMPONENTS */
  double weight[DI_MAX_COMPONENTS];
  double mean[DI_MAX_COMPONENTS][3];
  double cov[DI_MAX_COMPONENTS][9];     /* full 3x3 covariance, row-major */
  /* derived, filled by the core: inverse covariance and log(weight) - 0.5*log(det) - 1.5*log(2 pi) */
  double inv[DI_MAX_COMPONENTS][9];
  double log_norm[DI_MAX_COMPONENTS];
} di_gmm;

/* Fits a K-component full-covariance GMM to n colour samples (n*3 floats, any scale): k-means++
 * initialisation from `seed` (deterministic), then `iterations` rounds of hard assignment and
 * refit, as GrabCut does. A small ridge keeps covariances invertible. */
int di_gmm_fit(const float *samples, size_t n, int k, uint32_t seed, int iterations, di_gmm *out);

/* Log-likelihood log p(x) of each of n samples under the mixture (log-sum-exp over components). */
int di_gmm_loglik(const di_gmm *g, const float *samples, size_t n, float *out);

/* ---- max-flow / min-cut on grids ---- */

/* Exact max-flow between a source and a sink on a width x height grid graph.
 * source_cap[p], sink_cap[p] >= 0: terminal capacities of pixel p.
 * Neighbour capacities are symmetric (the same in both directions). With connectivity 4 they are
 * edge_cap[2*p + d] for d = 0: right (x+1,y), 1: down (x,y+1); with connectivity 8,
 * edge_cap[4*p + d] for d = 0: right, 1: down, 2: down-right (x+1,y+1), 3: down-left (x-1,y+1).
 * Entries that point outside the grid are ignored. All capacities must be finite and >= 0.
 * On return label[p] = 1 where p is on the source side of a minimum cut, 0 on the sink side,
 * and *flow is the max-flow value (= the cut's capacity). */
int di_maxflow_grid(int width, int height, int connectivity, const float *source_cap, const float *sink_cap,
                    const float *edge_cap, uint8_t *label, double *flow);

/* ---- GrabCut ---- */

typedef struct di_grabcut_params {
  int components;      /* GMM components per model (default 5) */
  int iterations;      /* GrabCut iterations (default 5) */
  double gamma;        /* smoothness weight (default 50) */
  int connectivity;    /* 4 or 8 (default 8) */
  uint32_t seed;       /* k-means++ seed */
  int models_from_seeds; /* 1: the initial colour models are fitted to the hard seeds (0, 1) only, as
                            in the paper's localisation; 0 (default): to all labels, as GrabCut does */
} di_grabcut_params;

#define DI_GRABCUT_MAX_ITERATIONS 64

typedef struct di_grabcut_report {
  int iterations;                              /* iterations run */
  double energy[DI_GRABCUT_MAX_ITERATIONS];    /* energy after each iteration (non-increasing) */
  double beta;                                 /* 1 / (2 * mean squared neighbour colour difference) */
} di_grabcut_report;

/* Fills params with the defaults above. */
void di_grabcut_defaults(di_grabcut_params *p);

/* GrabCut: labels (in/out, width*height, values 0..3 as above). Hard seeds (0, 1) never change;
 * the probable labels (2, 3) are re-estimated. Needs at least one foreground label (1 or 3) and
 * one background label (0 or 2). On return every pixel is 0/1 for seeds and 2/3 otherwise. */
int di_grabcut(const uint8_t *rgb, int width, int height, uint8_t *labels, const di_grabcut_params *params,
               di_grabcut_report *report);

/* ---- connected components ---- */

/* Largest 8-connected component of the non-zero pixels of mask. out (width*height) gets 1 on it and
 * 0 elsewhere; box = {x0, y0, x1, y1} inclusive; *area its pixel count. An empty mask gives
 * area 0, an all-zero out and box {-1, -1, -1, -1}. out may alias mask. */
int di_largest_component(const uint8_t *mask, int width, int height, uint8_t *out, int box[4], size_t *area);

/* ---- CUDA (optional) ----
 * Batch versions of the GMM likelihoods and the grid max-flow on an NVIDIA GPU (native/cuda).
 * They exist in every CMake build of the core (the addon; not in the WebAssembly core); where it
 * was built without CUDA, or no usable device is present, they return DI_E_UNAVAILABLE with the
 * reason. Arguments are checked as by the CPU functions (bad input gives the same codes, device
 * or not), and nothing is written to outputs when a call fails. */

/* 1 when the CUDA functions can run, with the device's name and capabilities in why; 0 with the
 * reason ("built without CUDA", "no CUDA device ..."). why may be NULL (why_len then ignored); the
 * text is cut to why_len - 1 bytes and always terminated. Never fails; safe without a driver. */
int di_cuda_available(char *why, size_t why_len);

/* GrabCut's data terms for batch images of n samples each: samples holds batch*n RGB triples
 * (image after image, as di_gmm_loglik takes them); fg_nll[b*n + i] = -log p(sample) under fg[b],
 * bg_nll likewise under bg[b]: the negatives of what di_gmm_loglik gives, to within 1e-5 relative
 * (computed in double as it does, with CUDA's exp and log). bg and bg_nll may both be NULL. */
int di_cuda_gmm_loglik_batch(int batch, size_t n, const float *samples, const di_gmm *fg, const di_gmm *bg,
                             float *fg_nll, float *bg_nll);

/* Exact max-flow of batch grids of one size, inputs as di_maxflow_grid's laid out grid after grid
 * (source_cap, sink_cap, label: batch*width*height; edge_cap: batch*width*height*connectivity/2;
 * flow: batch). flow[b] equals di_maxflow_grid's to rounding (both use double) and label is a
 * minimum cut: 1 on the source side, which here is the largest one (the nodes that cannot reach
 * the sink in the final residual graph), where di_maxflow_grid gives the smallest; the two
 * coincide when the minimum cut is unique. Suited to batches of small grids (one GPU block each). */
int di_cuda_maxflow_grid_batch(int batch, int width, int height, int connectivity, const float *source_cap,
                               const float *sink_cap, const float *edge_cap, uint8_t *label, double *flow);

#ifdef __cplusplus
}
#endif

#endif
