/*
 * The C ABI of the optional CUDA functions (deepinside.h, "CUDA"), part of every CMake build of
 * the core (CMakeLists.txt adds this file whether or not CUDA is on; the WebAssembly build and the
 * plain g++ builds of native/src do not have these functions). Arguments are checked here, before
 * any device is looked for, exactly as the CPU functions check theirs; then, where the core was
 * built with CUDA (DEEPINSIDE_HAVE_CUDA) and a device is usable, the work goes to the kernels
 * (kernels.h). Otherwise the calls return DI_E_UNAVAILABLE with the reason.
 */
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../src/internal.h"

#ifdef DEEPINSIDE_HAVE_CUDA
#include "kernels.h"
#endif

namespace {

/* Largest batch*pixels accepted in one call. */
const size_t MAX_BATCH_SAMPLES = static_cast<size_t>(1) << 30;

/* 1 when usable, else sets DI_E_UNAVAILABLE's message for fn and returns 0 */
bool device_ready(const char *fn) {
  char why[256];
  if (di_cuda_available(why, sizeof why)) return true;
  di::fail(DI_E_UNAVAILABLE, "%s: CUDA unavailable: %s", fn, why);
  return false;
}

int check_batch(const char *fn, int batch, size_t per_item) {
  if (batch < 1) return di::fail(DI_E_SIZE, "%s: batch must be at least 1, got %d", fn, batch);
  if (static_cast<size_t>(batch) > MAX_BATCH_SAMPLES / per_item)
    return di::fail(DI_E_SIZE, "%s: batch %d x %zu = %.0f pixels in all exceeds the limit of %zu", fn, batch, per_item,
                    static_cast<double>(batch) * static_cast<double>(per_item), MAX_BATCH_SAMPLES);
  return DI_OK;
}

/* Checks one mixture as di_gmm_loglik does and recomputes its derived fields (inv, log_norm) from
 * weight/mean/cov by the same code, so that both sides use the same numbers. Components of weight
 * 0 are unused (their derived fields are left as they are). */
int check_gmm(const char *fn, const char *name, int b, const di_gmm &in, di_gmm &g) {
  if (in.k < 1 || in.k > DI_MAX_COMPONENTS)
    return di::fail(DI_E_ARGUMENT, "%s: %s[%d].k must be in 1..%d, got %d", fn, name, b, DI_MAX_COMPONENTS, in.k);
  g = in;
  double wsum = 0.0;
  for (int c = 0; c < g.k; ++c) {
    if (!std::isfinite(g.weight[c]) || g.weight[c] < 0.0)
      return di::fail(DI_E_VALUE, "%s: %s[%d].weight[%d] is %g, must be finite and >= 0", fn, name, b, c, g.weight[c]);
    wsum += g.weight[c];
    for (int j = 0; j < 3; ++j)
      if (!std::isfinite(g.mean[c][j]))
        return di::fail(DI_E_VALUE, "%s: %s[%d].mean[%d][%d] is %g, not finite", fn, name, b, c, j, g.mean[c][j]);
    for (int j = 0; j < 9; ++j)
      if (!std::isfinite(g.cov[c][j]))
        return di::fail(DI_E_VALUE, "%s: %s[%d].cov[%d][%d] is %g, not finite", fn, name, b, c, j, g.cov[c][j]);
  }
  if (!(wsum > 0.0)) return di::fail(DI_E_VALUE, "%s: %s[%d].weight sums to %g, must be > 0", fn, name, b, wsum);
  for (int c = 0; c < g.k; ++c)
    if (g.weight[c] > 0.0 && !di::gmm_finish_component(g, c))
      return di::fail(DI_E_VALUE, "%s: %s[%d].cov[%d] is not positive definite", fn, name, b, c);
  return DI_OK;
}

#ifdef DEEPINSIDE_HAVE_CUDA
di_cuda::Gmm pack(const di_gmm &g) {
  di_cuda::Gmm out;
  std::memset(&out, 0, sizeof out);
  out.k = g.k;
  for (int c = 0; c < g.k; ++c) {
    out.use[c] = g.weight[c] > 0.0;
    if (!out.use[c]) continue;
    for (int j = 0; j < 3; ++j) out.mean[c][j] = g.mean[c][j];
    for (int j = 0; j < 9; ++j) out.inv[c][j] = g.inv[c][j];
    out.log_norm[c] = g.log_norm[c];
  }
  return out;
}
#endif

int gmm_batch_checked(int batch, size_t n, const float *samples, const di_gmm *fg, const di_gmm *bg, float *fg_nll,
                      float *bg_nll) {
  const char *fn = "di_cuda_gmm_loglik_batch";
  if (int rc = di::check_count(fn, "n", n)) return rc;
  if (int rc = check_batch(fn, batch, n)) return rc;
  if (!samples) return di::fail(DI_E_ARGUMENT, "%s: samples is NULL", fn);
  if (!fg) return di::fail(DI_E_ARGUMENT, "%s: fg is NULL", fn);
  if (!fg_nll) return di::fail(DI_E_ARGUMENT, "%s: fg_nll is NULL", fn);
  if (!bg != !bg_nll)
    return di::fail(DI_E_ARGUMENT, "%s: bg is %s but bg_nll is %s (give both or neither)", fn, bg ? "set" : "NULL",
                    bg_nll ? "set" : "NULL");
  const size_t total = static_cast<size_t>(batch) * n;
  for (size_t i = 0; i < 3 * total; ++i)
    if (!std::isfinite(samples[i]))
      return di::fail(DI_E_VALUE, "%s: samples[%zu] (image %zu, sample %zu, channel %zu) is %g, not finite", fn, i,
                      i / (3 * n), i / 3 % n, i % 3, samples[i]);
  std::vector<di_gmm> cf(batch), cb(bg ? batch : 0);
  for (int b = 0; b < batch; ++b) {
    if (int rc = check_gmm(fn, "fg", b, fg[b], cf[b])) return rc;
    if (bg)
      if (int rc = check_gmm(fn, "bg", b, bg[b], cb[b])) return rc;
  }
  if (!device_ready(fn)) return DI_E_UNAVAILABLE;
#ifdef DEEPINSIDE_HAVE_CUDA
  std::vector<di_cuda::Gmm> pf(batch), pb(bg ? batch : 0);
  for (int b = 0; b < batch; ++b) {
    pf[b] = pack(cf[b]);
    if (bg) pb[b] = pack(cb[b]);
  }
  char err[512] = "";
  const int rc = di_cuda::gmm_nll_batch(batch, n, samples, pf.data(), bg ? pb.data() : nullptr, fg_nll, bg_nll, err,
                                        sizeof err);
  if (rc != DI_OK) return di::fail(rc, "%s", err);
  return DI_OK;
#else
  return DI_E_UNAVAILABLE;
#endif
}

int maxflow_batch_checked(int batch, int width, int height, int connectivity, const float *source_cap,
                          const float *sink_cap, const float *edge_cap, uint8_t *label, double *flow) {
  const char *fn = "di_cuda_maxflow_grid_batch";
  if (int rc = di::check_image_size(fn, width, height)) return rc;
  const size_t n = static_cast<size_t>(width) * static_cast<size_t>(height);
  if (int rc = check_batch(fn, batch, n)) return rc;
  if (int rc = di::check_maxflow_args(fn, batch, true, width, height, connectivity, source_cap, sink_cap, edge_cap,
                                      label, flow))
    return rc;
  if (!device_ready(fn)) return DI_E_UNAVAILABLE;
#ifdef DEEPINSIDE_HAVE_CUDA
  char err[512] = "";
  const int rc = di_cuda::maxflow_grid_batch(batch, width, height, connectivity, source_cap, sink_cap, edge_cap, label,
                                             flow, err, sizeof err);
  if (rc != DI_OK) return di::fail(rc, "%s", err);
  return DI_OK;
#else
  return DI_E_UNAVAILABLE;
#endif
}

} // namespace

extern "C" int di_cuda_available(char *why, size_t why_len) {
#ifdef DEEPINSIDE_HAVE_CUDA
  return di_cuda::available(why, why ? why_len : 0);
#else
  if (why && why_len) std::snprintf(why, why_len, "%s", "built without CUDA");
  return 0;
#endif
}

extern "C" int di_cuda_gmm_loglik_batch(int batch, size_t n, const float *samples, const di_gmm *fg, const di_gmm *bg,
                                        float *fg_nll, float *bg_nll) {
  return di::guarded("di_cuda_gmm_loglik_batch",
                     [&] { return gmm_batch_checked(batch, n, samples, fg, bg, fg_nll, bg_nll); });
}

extern "C" int di_cuda_maxflow_grid_batch(int batch, int width, int height, int connectivity, const float *source_cap,
                                          const float *sink_cap, const float *edge_cap, uint8_t *label, double *flow) {
  return di::guarded("di_cuda_maxflow_grid_batch", [&] {
    return maxflow_batch_checked(batch, width, height, connectivity, source_cap, sink_cap, edge_cap, label, flow);
  });
}
