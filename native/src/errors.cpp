/*
 * Errors: the thread-local last-error message behind di_last_error(), the helpers that set it and
 * return a DI_E_* code, and the argument checks every entry point shares.
 *
 * The message lives in a fixed thread-local buffer so that reporting an allocation failure never
 * allocates. It is the only mutable state of the core that outlives a call.
 */
#include <cstdarg>
#include <cstdio>

#include "internal.h"

namespace {
thread_local char last_error[512] = "";
}

namespace di {

int fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return code;
}

int memory_error(const char *fn) noexcept {
  std::snprintf(last_error, sizeof last_error, "%s: out of memory", fn);
  return DI_E_MEMORY;
}

int internal_error(const char *fn, const char *what) noexcept {
  std::snprintf(last_error, sizeof last_error, "%s: internal error: %s", fn, what);
  return DI_E_ARGUMENT;
}

int check_image_size(const char *fn, int width, int height) {
  if (width <= 0 || width > DI_MAX_SIDE)
    return fail(DI_E_SIZE, "%s: width must be in 1..%d, got %d", fn, DI_MAX_SIDE, width);
  if (height <= 0 || height > DI_MAX_SIDE)
    return fail(DI_E_SIZE, "%s: height must be in 1..%d, got %d", fn, DI_MAX_SIDE, height);
  const long long pixels = static_cast<long long>(width) * height;
  if (pixels > DI_MAX_PIXELS)
    return fail(DI_E_SIZE, "%s: width*height = %dx%d = %lld pixels exceeds DI_MAX_PIXELS (%d)", fn, width, height,
                pixels, DI_MAX_PIXELS);
  return DI_OK;
}

int check_count(const char *fn, const char *name, size_t n) {
  if (n == 0) return fail(DI_E_SIZE, "%s: %s must be at least 1, got 0", fn, name);
  if (n > static_cast<size_t>(DI_MAX_PIXELS))
    return fail(DI_E_SIZE, "%s: %s = %zu exceeds DI_MAX_PIXELS (%d)", fn, name, n, DI_MAX_PIXELS);
  return DI_OK;
}

} // namespace di

extern "C" const char *di_last_error(void) { return last_error; }

extern "C" const char *di_version(void) { return "0.1.0"; }
