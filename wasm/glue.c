/* WebAssembly glue: the C ABI's functions are exported as they are (wasm/build.sh lists them);
 * this file only tells the JavaScript side where the fields of the ABI's structs lie, so that
 * ts/native/wasm.ts reads and writes them without hard-coded offsets. No logic. */
#include <stddef.h>
#include <stdint.h>

#include "deepinside.h"

#define LAYOUT_VERSION 2

static const int32_t layout[] = {
  LAYOUT_VERSION,
  /* di_gmm */
  (int32_t)sizeof(di_gmm),
  (int32_t)offsetof(di_gmm, k),
  (int32_t)offsetof(di_gmm, weight),
  (int32_t)offsetof(di_gmm, mean),
  (int32_t)offsetof(di_gmm, cov),
  (int32_t)offsetof(di_gmm, inv),
  (int32_t)offsetof(di_gmm, log_norm),
  /* di_grabcut_params */
  (int32_t)sizeof(di_grabcut_params),
  (int32_t)offsetof(di_grabcut_params, components),
  (int32_t)offsetof(di_grabcut_params, iterations),
  (int32_t)offsetof(di_grabcut_params, gamma),
  (int32_t)offsetof(di_grabcut_params, connectivity),
  (int32_t)offsetof(di_grabcut_params, seed),
  (int32_t)offsetof(di_grabcut_params, models_from_seeds),
  /* di_grabcut_report */
  (int32_t)sizeof(di_grabcut_report),
  (int32_t)offsetof(di_grabcut_report, iterations),
  (int32_t)offsetof(di_grabcut_report, energy),
  (int32_t)offsetof(di_grabcut_report, beta),
  /* limits and sizes */
  DI_MAX_PIXELS,
  DI_MAX_SIDE,
  DI_MAX_COMPONENTS,
  DI_GRABCUT_MAX_ITERATIONS,
  (int32_t)sizeof(size_t),
};

/* Pointer to the table above; its first entry is LAYOUT_VERSION, the count is di_wasm_layout_length(). */
const int32_t *di_wasm_layout(void) { return layout; }
int32_t di_wasm_layout_length(void) { return (int32_t)(sizeof layout / sizeof layout[0]); }
