/*
 * Whether CUDA can be used here. The runtime is linked statically, so this runs (and must not
 * fail) on machines with no NVIDIA driver at all: cudaGetDeviceCount then reports it, nothing is
 * loaded. The answer is worked out once per process.
 */
#include <cstring>
#include <mutex>

#include "common.cuh"
#include "kernels.h"

namespace {

std::once_flag probed;
int usable = 0;
char reason[512] = "";

void probe() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (e == cudaErrorNoDevice)
      std::snprintf(reason, sizeof reason, "no CUDA device");
    else if (e == cudaErrorInsufficientDriver)
      std::snprintf(reason, sizeof reason,
                    "no CUDA device (no NVIDIA driver, or one older than this build's CUDA runtime %d.%d)",
                    CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10);
    else
      std::snprintf(reason, sizeof reason, "no CUDA device (%s: %s)", cudaGetErrorName(e), cudaGetErrorString(e));
    return;
  }
  if (count < 1) {
    std::snprintf(reason, sizeof reason, "no CUDA device");
    return;
  }
  int dev = 0;
  cudaDeviceProp prop;
  cudaError_t pe = cudaGetDevice(&dev);
  if (pe == cudaSuccess) pe = cudaGetDeviceProperties(&prop, dev);
  if (pe != cudaSuccess) {
    cudaGetLastError();
    std::snprintf(reason, sizeof reason, "CUDA device %d unusable (%s: %s)", dev, cudaGetErrorName(pe),
                  cudaGetErrorString(pe));
    return;
  }
  char err[200] = "";
  if (!di_cuda::gmm_kernel_ok(err, sizeof err) || !di_cuda::maxflow_kernel_ok(err, sizeof err)) {
    std::snprintf(reason, sizeof reason, "%.200s (compute capability %d.%d): this build has no kernels for it: %.200s",
                  prop.name, prop.major, prop.minor, err);
    return;
  }
  std::snprintf(reason, sizeof reason, "%.200s (compute capability %d.%d, %d multiprocessors, %.1f GiB)", prop.name,
                prop.major, prop.minor, prop.multiProcessorCount,
                static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0));
  usable = 1;
}

} // namespace

namespace di_cuda {

int available(char *why, size_t why_len) {
  std::call_once(probed, probe);
  if (why && why_len) {
    std::strncpy(why, reason, why_len - 1);
    why[why_len - 1] = '\0';
  }
  return usable;
}

} // namespace di_cuda
