/* Shared by the .cu files: error messages and device buffers that free themselves. */
#ifndef DEEPINSIDE_CUDA_COMMON_CUH
#define DEEPINSIDE_CUDA_COMMON_CUH

#include <cuda_runtime.h>

#include <cstdarg>
#include <cstdio>

#include "deepinside.h"

namespace di_cuda {

inline int set_error(char *err, size_t err_len, int code, const char *fmt, ...) {
  if (err && err_len) {
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* A failed CUDA call: out of memory -> DI_E_MEMORY, anything else -> DI_E_UNAVAILABLE. Clears
 * the runtime's last (non-sticky) error. */
inline int cuda_error(char *err, size_t err_len, const char *fn, const char *what, cudaError_t e) {
  cudaGetLastError();
  return set_error(err, err_len, e == cudaErrorMemoryAllocation ? DI_E_MEMORY : DI_E_UNAVAILABLE, "%s: %s: %s (%s)",
                   fn, what, cudaGetErrorString(e), cudaGetErrorName(e));
}

template <class T> struct DeviceBuffer {
  T *p = nullptr;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer() {
    if (p) cudaFree(p);
  }
  cudaError_t alloc(size_t count) { return cudaMalloc(reinterpret_cast<void **>(&p), count ? count * sizeof(T) : 1); }
};

struct Event {
  cudaEvent_t e = nullptr;
  Event() = default;
  Event(const Event &) = delete;
  Event &operator=(const Event &) = delete;
  ~Event() {
    if (e) cudaEventDestroy(e);
  }
};

} // namespace di_cuda

#endif
