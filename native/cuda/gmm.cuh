/*
 * GMM negative log-likelihoods (GrabCut's data terms) for a batch of images on the GPU: one
 * thread per sample, the image's foreground and background mixtures in shared memory. The formula
 * and its order of operations are di_gmm_loglik's (gmm.cpp), in double, without FMA contraction
 * (CMakeLists.txt builds with --fmad=false); only exp and log are CUDA's rather than the core's
 * det_exp/det_log, so results agree with the CPU to a few units in the last place of a float.
 */
#include <math_constants.h>

#include <algorithm>
#include <vector>

#include "common.cuh"
#include "kernels.h"

namespace {

const int THREADS = 256;
const int MAX_GRID_Y = 65535;

/* log p(x) under g, as di_gmm_loglik: log-sum-exp over the used components, max first */
__device__ double loglik(const di_cuda::Gmm &g, double x0, double x1, double x2) {
  double mx = -CUDART_INF;
  for (int pass = 0; pass < 2; ++pass) {
    double s = 0.0;
    for (int c = 0; c < g.k; ++c) {
      if (!g.use[c]) continue;
      const double *mu = g.mean[c], *v = g.inv[c];
      const double a = x0 - mu[0], b = x1 - mu[1], d = x2 - mu[2];
      const double q = a * (v[0] * a + v[1] * b + v[2] * d) + b * (v[3] * a + v[4] * b + v[5] * d) +
                       d * (v[6] * a + v[7] * b + v[8] * d);
      const double l = g.log_norm[c] - 0.5 * q;
      if (pass == 0) {
        if (l > mx) mx = l;
      } else {
        s += exp(l - mx);
      }
    }
    if (pass == 0 && !isfinite(mx)) return mx;
    if (pass == 1) return mx + log(s);
  }
  return mx;
}

__global__ void __launch_bounds__(THREADS) gmm_nll_kernel(size_t n, const float *samples, const di_cuda::Gmm *fg,
                                                          const di_cuda::Gmm *bg, float *fg_out, float *bg_out) {
  __shared__ di_cuda::Gmm model[2];
  const size_t img = blockIdx.y;
  /* the two models, word by word */
  {
    const int words = sizeof(di_cuda::Gmm) / sizeof(int);
    const int *a = reinterpret_cast<const int *>(fg + img);
    int *sa = reinterpret_cast<int *>(&model[0]);
    for (int i = threadIdx.x; i < words; i += blockDim.x) sa[i] = a[i];
    if (bg) {
      const int *b = reinterpret_cast<const int *>(bg + img);
      int *sb = reinterpret_cast<int *>(&model[1]);
      for (int i = threadIdx.x; i < words; i += blockDim.x) sb[i] = b[i];
    }
  }
  __syncthreads();
  const size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const size_t s = img * n + i;
  const float *x = samples + 3 * s;
  const double x0 = x[0], x1 = x[1], x2 = x[2];
  const double lf = loglik(model[0], x0, x1, x2);
  fg_out[s] = -static_cast<float>(lf);
  if (bg) {
    const double lb = loglik(model[1], x0, x1, x2);
    bg_out[s] = -static_cast<float>(lb);
  }
}

static_assert(sizeof(di_cuda::Gmm) % sizeof(int) == 0, "Gmm is copied word by word");

} // namespace

namespace di_cuda {

bool gmm_kernel_ok(char *err, size_t err_len) {
  cudaFuncAttributes a;
  const cudaError_t e = cudaFuncGetAttributes(&a, gmm_nll_kernel);
  if (e == cudaSuccess) return true;
  cuda_error(err, err_len, "GMM kernel", "cudaFuncGetAttributes", e);
  return false;
}

int gmm_nll_batch(int batch, size_t n, const float *samples, const Gmm *fg, const Gmm *bg, float *fg_out,
                  float *bg_out, char *err, size_t err_len) {
  const char *fn = "di_cuda_gmm_loglik_batch";
  const size_t total = static_cast<size_t>(batch) * n;
  const int models = bg ? 2 : 1;
  DeviceBuffer<float> d_samples, d_out;
  DeviceBuffer<Gmm> d_models;
  cudaError_t ce;
  if ((ce = d_samples.alloc(3 * total)) != cudaSuccess || (ce = d_out.alloc(models * total)) != cudaSuccess ||
      (ce = d_models.alloc(static_cast<size_t>(models) * batch)) != cudaSuccess)
    return cuda_error(err, err_len, fn, "cudaMalloc", ce);
  if ((ce = cudaMemcpy(d_samples.p, samples, 3 * total * sizeof(float), cudaMemcpyHostToDevice)) != cudaSuccess ||
      (ce = cudaMemcpy(d_models.p, fg, batch * sizeof(Gmm), cudaMemcpyHostToDevice)) != cudaSuccess ||
      (bg && (ce = cudaMemcpy(d_models.p + batch, bg, batch * sizeof(Gmm), cudaMemcpyHostToDevice)) != cudaSuccess))
    return cuda_error(err, err_len, fn, "cudaMemcpy to the device", ce);
  const unsigned blocks_x = static_cast<unsigned>((n + THREADS - 1) / THREADS);
  for (int first = 0; first < batch; first += MAX_GRID_Y) {
    const int m = std::min(MAX_GRID_Y, batch - first);
    const size_t o = static_cast<size_t>(first) * n;
    gmm_nll_kernel<<<dim3(blocks_x, m), THREADS>>>(n, d_samples.p + 3 * o, d_models.p + first,
                                                   bg ? d_models.p + batch + first : nullptr, d_out.p + o,
                                                   bg ? d_out.p + total + o : nullptr);
    if ((ce = cudaGetLastError()) != cudaSuccess) return cuda_error(err, err_len, fn, "kernel launch", ce);
  }
  std::vector<float> out(models * total);
  if ((ce = cudaMemcpy(out.data(), d_out.p, out.size() * sizeof(float), cudaMemcpyDeviceToHost)) != cudaSuccess)
    return cuda_error(err, err_len, fn, "kernel or cudaMemcpy from the device", ce);
  std::copy(out.begin(), out.begin() + total, fg_out);
  if (bg) std::copy(out.begin() + total, out.end(), bg_out);
  return DI_OK;
}

} // namespace di_cuda
