/*
 * Batched grid max-flow on the GPU: one thread block per grid runs the synchronous push-relabel
 * of pushrelabel.h (block barriers between phases, atomic adds of excess), so a batch of grids
 * keeps the whole device busy without a kernel launch per phase. The heights live in shared
 * memory when they fit (224x224 grids on sm_90: about 1.5x faster than in global memory on an
 * H100), the rest of the working memory in global memory (L2 resident for batches of small grids);
 * the batch is cut into chunks that bound it.
 */
#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "common.cuh"
#include "kernels.h"

#define DI_PR_FN __device__ __forceinline__
#include "pushrelabel.h"

namespace {

/* The executor of pushrelabel.h for one thread block: thread t owns the nodes t, t + T, t + 2T...
 * in raster order (T threads), so neighbouring threads touch neighbouring nodes. */
struct BlockExec {
  int w;
  int64_t n, npadded;
  int tid, nthreads;
  int x0, y0, dx, dy; /* this thread's first node, and the step of T nodes, as (x, y) */
  double *red;        /* shared scratch of 32 doubles */

  template <class F> __device__ void nodes(F f) const {
    int x = x0, y = y0;
    for (int64_t i = tid; i < n; i += nthreads) {
      f(x, y, static_cast<int64_t>(y + 1) * (w + 2) + x + 1);
      x += dx;
      y += dy;
      if (x >= w) {
        x -= w;
        ++y;
      }
    }
  }
  template <class F> __device__ void padded(F f) const {
    for (int64_t p = tid; p < npadded; p += nthreads) f(p);
  }
  __device__ void sync() const { __syncthreads(); }
  __device__ bool any(bool v) const { return __syncthreads_or(v) != 0; }
  __device__ void add(double *a, double v) const { atomicAdd(a, v); }
  __device__ double sum(double v) const {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    __syncthreads();
    if ((tid & 31) == 0) red[tid >> 5] = v;
    __syncthreads();
    if (tid < 32) {
      double s = tid < (nthreads + 31) / 32 ? red[tid] : 0.0;
      for (int o = 16; o > 0; o >>= 1) s += __shfl_down_sync(0xffffffffu, s, o);
      if (tid == 0) red[0] = s;
    }
    __syncthreads();
    return red[0];
  }
};

struct Params {
  int w, h, nd;
  int64_t padded;
  const float *source_cap, *sink_cap, *edge_cap;
  uint8_t *label;
  double *flow;
  double *work;    /* (nd + 2) * padded doubles per grid */
  int32_t *heights; /* padded per grid */
  int64_t *stats;  /* 4 per grid: status, iterations, relabels, levels */
  int64_t max_iterations;
  int shared_heights; /* heights in dynamic shared memory (P int32s) instead of `heights` */
};

__global__ void __launch_bounds__(1024) maxflow_kernel(Params prm) {
  extern __shared__ int32_t smem_heights[];
  __shared__ double red[32];
  __shared__ di_pr::Grid sg; /* in shared memory: off[d] is indexed at run time */
  const int64_t b = blockIdx.x;
  const int64_t n = static_cast<int64_t>(prm.w) * prm.h;
  const int half = prm.nd / 2;
  di_pr::Grid g = di_pr::make_grid(prm.w, prm.h, prm.nd);
  const int64_t P = g.padded;
  double *base = prm.work + b * P * (prm.nd + 2);
  g.rc = base;
  g.ex = base + prm.nd * P;
  g.tc = g.ex + P;
  g.ht = prm.shared_heights ? smem_heights : prm.heights + b * P;

  BlockExec e;
  e.w = prm.w;
  e.n = n;
  e.npadded = P;
  e.tid = threadIdx.x;
  e.nthreads = blockDim.x;
  e.x0 = e.tid % prm.w;
  e.y0 = e.tid / prm.w;
  e.dx = e.nthreads % prm.w;
  e.dy = e.nthreads / prm.w;
  e.red = red;

  if (threadIdx.x == 0) sg = g;
  __syncthreads();
  di_pr::Stats st;
  const double f = di_pr::solve(e, sg, prm.source_cap + b * n, prm.sink_cap + b * n, prm.edge_cap + b * n * half,
                                prm.label + b * n, 0, prm.max_iterations, &st);
  if (threadIdx.x == 0) {
    prm.flow[b] = f;
    prm.stats[4 * b + 0] = st.status;
    prm.stats[4 * b + 1] = st.iterations;
    prm.stats[4 * b + 2] = st.relabels;
    prm.stats[4 * b + 3] = st.levels;
  }
}

thread_local di_cuda::MaxflowReport last_report = {};

/* Device memory the working set of one chunk may take. */
const size_t CHUNK_BYTES = size_t(1) << 30;

} // namespace

namespace di_cuda {

MaxflowReport last_maxflow_report() { return last_report; }

bool maxflow_kernel_ok(char *err, size_t err_len) {
  cudaFuncAttributes a;
  const cudaError_t e = cudaFuncGetAttributes(&a, maxflow_kernel);
  if (e == cudaSuccess) return true;
  cuda_error(err, err_len, "maxflow kernel", "cudaFuncGetAttributes", e);
  return false;
}

int maxflow_grid_batch(int batch, int width, int height, int connectivity, const float *source_cap,
                       const float *sink_cap, const float *edge_cap, uint8_t *label, double *flow, char *err,
                       size_t err_len) {
  const char *fn = "di_cuda_maxflow_grid_batch";
  const auto t0 = std::chrono::steady_clock::now();
  MaxflowReport rep = {};
  const int nd = connectivity, half = nd / 2;
  const int64_t n = static_cast<int64_t>(width) * height;
  const int64_t P = static_cast<int64_t>(width + 2) * (height + 2);

  int dev = 0, sms = 0;
  cudaError_t ce = cudaGetDevice(&dev);
  if (ce == cudaSuccess) ce = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
  if (ce != cudaSuccess) return cuda_error(err, err_len, fn, "cudaGetDevice", ce);
  if (sms < 1) sms = 1;

  /* grids per launch: as many as fit CHUNK_BYTES (at least one) */
  const size_t per_grid = static_cast<size_t>(P) * ((nd + 2) * sizeof(double) + sizeof(int32_t)) +
                          static_cast<size_t>(n) * ((2 + half) * sizeof(float) + 1) + sizeof(double) +
                          4 * sizeof(int64_t);
  const int chunk = static_cast<int>(std::max<size_t>(1, std::min<size_t>(batch, CHUNK_BYTES / per_grid)));

  /* threads per block: all the chunk's blocks resident at once (1024 threads per multiprocessor at
   * the kernel's 64 registers), 128 at least, and no more than the grid has nodes */
  int threads = 1024;
  while (threads > 128 && static_cast<int64_t>(chunk) * threads > static_cast<int64_t>(sms) * 1024) threads /= 2;
  while (threads > 32 && threads / 2 >= n) threads /= 2;
  rep.threads = threads;

  /* The heights, read far more often than anything else (every phase looks at the neighbours'),
   * go to shared memory when they fit (up to 224x224 or so on sm_90, 64 KiB on sm_75) and the
   * chunk's blocks still all fit on the device at once. */
  int optin = 0, per_sm = 0;
  if (cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev) != cudaSuccess ||
      cudaDeviceGetAttribute(&per_sm, cudaDevAttrMaxSharedMemoryPerMultiprocessor, dev) != cudaSuccess) {
    cudaGetLastError();
    optin = per_sm = 0;
  }
  const size_t heights_bytes = static_cast<size_t>(P) * sizeof(int32_t);
  const size_t block_bytes = heights_bytes + 2048; /* + static shared memory and the per-block reserve */
  bool shared = block_bytes <= static_cast<size_t>(optin) &&
                static_cast<int64_t>(chunk) <= static_cast<int64_t>(sms) * static_cast<int64_t>(per_sm / block_bytes);
  if (shared && heights_bytes > 48 * 1024) {
    ce = cudaFuncSetAttribute(maxflow_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                              static_cast<int>(heights_bytes));
    if (ce != cudaSuccess) {
      cudaGetLastError();
      shared = false;
    }
  }
  rep.shared_heights = shared;

  DeviceBuffer<float> d_source, d_sink, d_edge;
  DeviceBuffer<uint8_t> d_label;
  DeviceBuffer<double> d_flow, d_work;
  DeviceBuffer<int32_t> d_heights;
  DeviceBuffer<int64_t> d_stats;
  const size_t c = static_cast<size_t>(chunk);
  if ((ce = d_source.alloc(c * n)) != cudaSuccess || (ce = d_sink.alloc(c * n)) != cudaSuccess ||
      (ce = d_edge.alloc(c * n * half)) != cudaSuccess || (ce = d_label.alloc(c * n)) != cudaSuccess ||
      (ce = d_flow.alloc(c)) != cudaSuccess || (ce = d_work.alloc(c * P * (nd + 2))) != cudaSuccess ||
      (ce = d_heights.alloc(shared ? 0 : c * P)) != cudaSuccess || (ce = d_stats.alloc(4 * c)) != cudaSuccess)
    return cuda_error(err, err_len, fn, "cudaMalloc", ce);
  Event start, stop;
  if ((ce = cudaEventCreate(&start.e)) != cudaSuccess || (ce = cudaEventCreate(&stop.e)) != cudaSuccess)
    return cuda_error(err, err_len, fn, "cudaEventCreate", ce);

  std::vector<uint8_t> labels(static_cast<size_t>(batch) * n);
  std::vector<double> flows(batch);
  std::vector<int64_t> stats(4 * c);
  for (int first = 0; first < batch; first += chunk) {
    const int m = std::min(chunk, batch - first);
    const size_t o = static_cast<size_t>(first) * n;
    if ((ce = cudaMemcpy(d_source.p, source_cap + o, m * n * sizeof(float), cudaMemcpyHostToDevice)) != cudaSuccess ||
        (ce = cudaMemcpy(d_sink.p, sink_cap + o, m * n * sizeof(float), cudaMemcpyHostToDevice)) != cudaSuccess ||
        (ce = cudaMemcpy(d_edge.p, edge_cap + o * half, m * n * half * sizeof(float), cudaMemcpyHostToDevice)) !=
            cudaSuccess)
      return cuda_error(err, err_len, fn, "cudaMemcpy to the device", ce);
    Params prm;
    prm.w = width;
    prm.h = height;
    prm.nd = nd;
    prm.padded = P;
    prm.source_cap = d_source.p;
    prm.sink_cap = d_sink.p;
    prm.edge_cap = d_edge.p;
    prm.label = d_label.p;
    prm.flow = d_flow.p;
    prm.work = d_work.p;
    prm.heights = d_heights.p;
    prm.stats = d_stats.p;
    prm.max_iterations = 16 * n + 100000;
    prm.shared_heights = shared;
    cudaEventRecord(start.e);
    maxflow_kernel<<<m, threads, shared ? heights_bytes : 0>>>(prm);
    if ((ce = cudaGetLastError()) != cudaSuccess) return cuda_error(err, err_len, fn, "kernel launch", ce);
    cudaEventRecord(stop.e);
    if ((ce = cudaEventSynchronize(stop.e)) != cudaSuccess) return cuda_error(err, err_len, fn, "kernel", ce);
    float ms = 0.0f;
    cudaEventElapsedTime(&ms, start.e, stop.e);
    rep.kernel_ms += ms;
    ++rep.chunks;
    if ((ce = cudaMemcpy(labels.data() + o, d_label.p, m * n, cudaMemcpyDeviceToHost)) != cudaSuccess ||
        (ce = cudaMemcpy(flows.data() + first, d_flow.p, m * sizeof(double), cudaMemcpyDeviceToHost)) !=
            cudaSuccess ||
        (ce = cudaMemcpy(stats.data(), d_stats.p, 4 * m * sizeof(int64_t), cudaMemcpyDeviceToHost)) != cudaSuccess)
      return cuda_error(err, err_len, fn, "cudaMemcpy from the device", ce);
    for (int b = 0; b < m; ++b) {
      const int64_t *s = &stats[4 * b];
      if (s[0] != 0)
        return set_error(err, err_len, DI_E_ARGUMENT, "%s: internal error: grid %d did not converge in %lld rounds", fn,
                         first + b, static_cast<long long>(s[1]));
      rep.max_iterations = std::max(rep.max_iterations, s[1]);
      rep.sum_iterations += s[1];
      rep.sum_relabels += s[2];
      rep.sum_levels += s[3];
    }
  }
  std::memcpy(label, labels.data(), labels.size());
  std::memcpy(flow, flows.data(), flows.size() * sizeof(double));
  rep.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  last_report = rep;
  return DI_OK;
}

} // namespace di_cuda
