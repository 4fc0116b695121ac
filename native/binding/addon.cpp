// deepinside_native: a thin Node-API binding of the C ABI in native/include/deepinside.h.
//
// One JS function per C call. Each checks its arguments' JS types and the typed arrays' kinds and
// lengths (TypeError / RangeError naming the argument), calls the C function, and throws
// Error(di_last_error()) with .code = "DI_E_..." and .status = the C return code when it fails.
// Inputs are never written: outputs go to fresh typed arrays (GrabCut's in/out labels to a copy).
// No algorithm logic lives here.
//
// Dimensions: lengths are checked against width*height only when the dimensions are within the
// core's limits (1..DI_MAX_SIDE a side, DI_MAX_PIXELS in all). Zero, negative or absurd
// dimensions are handed to the core as they are, with a one-element scratch output, so that its
// own DI_E_SIZE message names them; the header guarantees it rejects them before touching buffers.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "deepinside.h"

namespace {

const char *codeName(int rc) {
  switch (rc) {
    case DI_E_ARGUMENT: return "DI_E_ARGUMENT";
    case DI_E_SIZE: return "DI_E_SIZE";
    case DI_E_VALUE: return "DI_E_VALUE";
    case DI_E_SEEDS: return "DI_E_SEEDS";
    case DI_E_MEMORY: return "DI_E_MEMORY";
    case DI_E_UNAVAILABLE: return "DI_E_UNAVAILABLE";
    default: return "DI_E_UNKNOWN";
  }
}

// Throws the core's error for a failed call.
void check(Napi::Env env, int rc, const char *fn) {
  if (rc == DI_OK) return;
  const char *msg = di_last_error();
  std::string text = (msg && *msg) ? msg : std::string(fn) + " failed with code " + std::to_string(rc);
  Napi::Error err = Napi::Error::New(env, text);
  err.Set("code", Napi::String::New(env, codeName(rc)));
  err.Set("status", Napi::Number::New(env, rc));
  err.Set("function", Napi::String::New(env, fn));
  throw err;
}

[[noreturn]] void typeError(Napi::Env env, const std::string &msg) { throw Napi::TypeError::New(env, msg); }
[[noreturn]] void rangeError(Napi::Env env, const std::string &msg) { throw Napi::RangeError::New(env, msg); }

std::string describe(const Napi::Value &v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_int8_array: return "an Int8Array";
      case napi_uint8_array: return "a Uint8Array";
      case napi_uint8_clamped_array: return "a Uint8ClampedArray";
      case napi_int16_array: return "an Int16Array";
      case napi_uint16_array: return "a Uint16Array";
      case napi_int32_array: return "an Int32Array";
      case napi_uint32_array: return "a Uint32Array";
      case napi_float32_array: return "a Float32Array";
      case napi_float64_array: return "a Float64Array";
      default: return "a typed array";
    }
  }
  if (v.IsArray()) return "an Array";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsBoolean()) return "a boolean";
  if (v.IsObject()) return "an object";
  return "a value of another type";
}

template <typename T> struct ArrayKind;
template <> struct ArrayKind<float> { static constexpr napi_typedarray_type type = napi_float32_array; static constexpr const char *name = "a Float32Array"; };
template <> struct ArrayKind<double> { static constexpr napi_typedarray_type type = napi_float64_array; static constexpr const char *name = "a Float64Array"; };
template <> struct ArrayKind<uint8_t> { static constexpr napi_typedarray_type type = napi_uint8_array; static constexpr const char *name = "a Uint8Array"; };

// A typed array argument of element type T: its data (never null: empty arrays get a scratch
// element so the core sees a size problem, not a null pointer) and length.
template <typename T> struct View {
  const T *data;
  size_t length;
};

template <typename T> View<T> typedArg(Napi::Env env, const Napi::Value &v, const char *name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != ArrayKind<T>::type)
    typeError(env, std::string(name) + " must be " + ArrayKind<T>::name + ", got " + describe(v));
  auto arr = v.As<Napi::TypedArrayOf<T>>();
  static const T scratch[1] = {T(0)};
  size_t n = arr.ElementLength();
  const T *p = n ? arr.Data() : scratch;
  if (!p) p = scratch;
  return {p, n};
}

double numberArg(Napi::Env env, const Napi::Value &v, const char *name) {
  if (!v.IsNumber()) typeError(env, std::string(name) + " must be a number, got " + describe(v));
  return v.As<Napi::Number>().DoubleValue();
}

std::string numText(double d) {
  if (std::isnan(d)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

int intArg(Napi::Env env, const Napi::Value &v, const char *name) {
  double d = numberArg(env, v, name);
  if (!(d == std::floor(d)) || d < -2147483648.0 || d > 2147483647.0)
    rangeError(env, std::string(name) + " must be a 32-bit integer, got " + numText(d));
  return static_cast<int>(d);
}

uint32_t uint32Arg(Napi::Env env, const Napi::Value &v, const char *name) {
  double d = numberArg(env, v, name);
  if (!(d == std::floor(d)) || d < 0 || d > 4294967295.0)
    rangeError(env, std::string(name) + " must be an integer in 0..4294967295, got " + numText(d));
  return static_cast<uint32_t>(d);
}

// Pixel count when width x height is within the core's limits, else 0 (the core reports it).
size_t pixelsWithinLimits(int width, int height) {
  if (width < 1 || height < 1 || width > DI_MAX_SIDE || height > DI_MAX_SIDE) return 0;
  uint64_t n = uint64_t(width) * uint64_t(height);
  return n <= uint64_t(DI_MAX_PIXELS) ? size_t(n) : 0;
}

void checkLength(Napi::Env env, size_t got, size_t expected, const char *name, const std::string &what) {
  if (got != expected)
    rangeError(env, std::string(name) + " has length " + std::to_string(got) + ", expected " + what + " = " +
                        std::to_string(expected));
}

std::string dims(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

void needArgs(const Napi::CallbackInfo &info, size_t n, const char *fn) {
  if (info.Length() < n)
    typeError(info.Env(), std::string(fn) + " expects " + std::to_string(n) + " arguments, got " +
                              std::to_string(info.Length()));
}

// ---- version ----------------------------------------------------------------------------------

Napi::Value Version(const Napi::CallbackInfo &info) { return Napi::String::New(info.Env(), di_version()); }

// ---- quantile(map: Float32Array, q: number): number -------------------------------------------

Napi::Value Quantile(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 2, "quantile");
  auto map = typedArg<float>(env, info[0], "map");
  double q = numberArg(env, info[1], "q");
  float out = 0;
  check(env, di_quantile(map.data, map.length, q, &out), "di_quantile");
  return Napi::Number::New(env, out);
}

// ---- GMM ---------------------------------------------------------------------------------------
// JS form: { k, weight: Float64Array(k), mean: Float64Array(3k), cov: Float64Array(9k),
//            inv: Float64Array(9k), logNorm: Float64Array(k) }

Napi::Float64Array f64(Napi::Env env, const double *src, size_t n) {
  auto a = Napi::Float64Array::New(env, n);
  std::memcpy(a.Data(), src, n * sizeof(double));
  return a;
}

Napi::Object gmmToJs(Napi::Env env, const di_gmm &g) {
  size_t k = size_t(g.k);
  Napi::Object o = Napi::Object::New(env);
  o.Set("k", Napi::Number::New(env, g.k));
  o.Set("weight", f64(env, g.weight, k));
  o.Set("mean", f64(env, &g.mean[0][0], 3 * k));
  o.Set("cov", f64(env, &g.cov[0][0], 9 * k));
  o.Set("inv", f64(env, &g.inv[0][0], 9 * k));
  o.Set("logNorm", f64(env, g.log_norm, k));
  return o;
}

void gmmField(Napi::Env env, const Napi::Object &o, const char *key, const char *name, const char *per, int k,
              size_t n, double *dst) {
  auto v = typedArg<double>(env, o.Get(key), name);
  checkLength(env, v.length, n, name, std::string(per) + " (gmm.k = " + std::to_string(k) + ")");
  std::memcpy(dst, v.data, n * sizeof(double));
}

void gmmFromJs(Napi::Env env, const Napi::Value &v, di_gmm *g) {
  if (!v.IsObject() || v.IsTypedArray() || v.IsArray()) typeError(env, "gmm must be an object from gmmFit, got " + describe(v));
  Napi::Object o = v.As<Napi::Object>();
  std::memset(g, 0, sizeof *g);
  int k = intArg(env, o.Get("k"), "gmm.k");
  if (k < 1 || k > DI_MAX_COMPONENTS)
    rangeError(env, "gmm.k must be in 1.." + std::to_string(DI_MAX_COMPONENTS) + ", got " + std::to_string(k));
  g->k = k;
  size_t n = size_t(k);
  gmmField(env, o, "weight", "gmm.weight", "k", k, n, g->weight);
  gmmField(env, o, "mean", "gmm.mean", "3*k", k, 3 * n, &g->mean[0][0]);
  gmmField(env, o, "cov", "gmm.cov", "9*k", k, 9 * n, &g->cov[0][0]);
  gmmField(env, o, "inv", "gmm.inv", "9*k", k, 9 * n, &g->inv[0][0]);
  gmmField(env, o, "logNorm", "gmm.logNorm", "k", k, n, g->log_norm);
}

// gmmFit(samples: Float32Array(3n), k, seed, iterations): Gmm
Napi::Value GmmFit(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 4, "gmmFit");
  auto samples = typedArg<float>(env, info[0], "samples");
  if (samples.length % 3 != 0)
    rangeError(env, "samples has length " + std::to_string(samples.length) + ", not a multiple of 3 (RGB triples)");
  int k = intArg(env, info[1], "k");
  uint32_t seed = uint32Arg(env, info[2], "seed");
  int iterations = intArg(env, info[3], "iterations");
  di_gmm g;
  std::memset(&g, 0, sizeof g);
  check(env, di_gmm_fit(samples.data, samples.length / 3, k, seed, iterations, &g), "di_gmm_fit");
  if (g.k < 1 || g.k > DI_MAX_COMPONENTS) throw Napi::Error::New(env, "di_gmm_fit returned k = " + std::to_string(g.k));
  return gmmToJs(env, g);
}

// gmmLogLik(gmm: Gmm, samples: Float32Array(3n)): Float32Array(n)
Napi::Value GmmLogLik(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 2, "gmmLogLik");
  di_gmm g;
  gmmFromJs(env, info[0], &g);
  auto samples = typedArg<float>(env, info[1], "samples");
  if (samples.length % 3 != 0)
    rangeError(env, "samples has length " + std::to_string(samples.length) + ", not a multiple of 3 (RGB triples)");
  size_t n = samples.length / 3;
  std::vector<float> out(n ? n : 1);
  check(env, di_gmm_loglik(&g, samples.data, n, out.data()), "di_gmm_loglik");
  auto result = Napi::Float32Array::New(env, n);
  if (n) std::memcpy(result.Data(), out.data(), n * sizeof(float));
  return result;
}

// ---- maxflowGrid(width, height, connectivity, source, sink, edges): { label, flow } ------------

// The arguments of a grid max-flow, (width, height, connectivity, source, sink, edges) from
// info[first] on, with the capacity lengths checked for `batch` grids laid out one after another
// (batch 0: the single grid of maxflowGrid). total: the pixels of all grids, 0 when the dimensions
// or the batch are ones the core will reject (it then names the problem).
struct GridArgs {
  int width, height, connectivity;
  View<float> source, sink, edges;
  size_t total;
};

GridArgs gridArgs(const Napi::CallbackInfo &info, size_t first, int batch) {
  Napi::Env env = info.Env();
  int width = intArg(env, info[first], "width");
  int height = intArg(env, info[first + 1], "height");
  int connectivity = intArg(env, info[first + 2], "connectivity");
  if (connectivity != 4 && connectivity != 8)
    rangeError(env, "connectivity must be 4 or 8, got " + std::to_string(connectivity));
  GridArgs a{width, height, connectivity, typedArg<float>(env, info[first + 3], "source"),
             typedArg<float>(env, info[first + 4], "sink"), typedArg<float>(env, info[first + 5], "edges"), 0};
  size_t n = pixelsWithinLimits(width, height);
  if (!n || batch < 0) return a;
  const std::string per = connectivity == 4 ? "2" : "4", conn = "connectivity " + std::to_string(connectivity);
  std::string wh, edgesWhat;
  if (batch == 0) {
    a.total = n;
    wh = "width*height (" + dims(width, height) + ")";
    edgesWhat = per + "*width*height (" + dims(width, height) + ", " + conn + ")";
  } else {
    a.total = size_t(uint64_t(batch) * uint64_t(n));
    wh = "batch*width*height (" + std::to_string(batch) + "x" + dims(width, height) + ")";
    edgesWhat = per + "*" + wh + ", " + conn;
  }
  checkLength(env, a.source.length, a.total, "source", wh);
  checkLength(env, a.sink.length, a.total, "sink", wh);
  checkLength(env, a.edges.length, a.total * (connectivity == 4 ? 2 : 4), "edges", edgesWhat);
  return a;
}

Napi::Value MaxflowGrid(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 6, "maxflowGrid");
  const auto [width, height, connectivity, source, sink, edges, n] = gridArgs(info, 0, 0);
  std::vector<uint8_t> label(n ? n : 1);
  double flow = 0;
  check(env, di_maxflow_grid(width, height, connectivity, source.data, sink.data, edges.data, label.data(), &flow),
        "di_maxflow_grid");
  if (!n) throw Napi::Error::New(env, "di_maxflow_grid accepted a " + dims(width, height) + " grid outside the core's limits");
  auto labelOut = Napi::Uint8Array::New(env, n);
  std::memcpy(labelOut.Data(), label.data(), n);
  Napi::Object o = Napi::Object::New(env);
  o.Set("label", labelOut);
  o.Set("flow", Napi::Number::New(env, flow));
  return o;
}

// ---- GrabCut -----------------------------------------------------------------------------------

Napi::Object paramsToJs(Napi::Env env, const di_grabcut_params &p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("components", Napi::Number::New(env, p.components));
  o.Set("iterations", Napi::Number::New(env, p.iterations));
  o.Set("gamma", Napi::Number::New(env, p.gamma));
  o.Set("connectivity", Napi::Number::New(env, p.connectivity));
  o.Set("seed", Napi::Number::New(env, p.seed));
  o.Set("modelsFromSeeds", Napi::Boolean::New(env, p.models_from_seeds != 0));
  return o;
}

Napi::Value GrabcutDefaults(const Napi::CallbackInfo &info) {
  di_grabcut_params p;
  std::memset(&p, 0, sizeof p);
  di_grabcut_defaults(&p);
  return paramsToJs(info.Env(), p);
}

// grabcut(rgb: Uint8Array(3wh), width, height, labels: Uint8Array(wh), params?: Partial<params>)
//   -> { labels: Uint8Array, energy: number[], iterations, beta }
Napi::Value Grabcut(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 4, "grabcut");
  auto rgb = typedArg<uint8_t>(env, info[0], "rgb");
  int width = intArg(env, info[1], "width");
  int height = intArg(env, info[2], "height");
  auto labels = typedArg<uint8_t>(env, info[3], "labels");

  di_grabcut_params p;
  std::memset(&p, 0, sizeof p);
  di_grabcut_defaults(&p);
  if (info.Length() > 4 && !info[4].IsUndefined() && !info[4].IsNull()) {
    if (!info[4].IsObject() || info[4].IsArray() || info[4].IsTypedArray())
      typeError(env, "params must be an object, got " + describe(info[4]));
    Napi::Object o = info[4].As<Napi::Object>();
    Napi::Array keys = o.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); i++) {
      std::string key = keys.Get(i).ToString().Utf8Value();
      Napi::Value v = o.Get(key);
      if (v.IsUndefined()) continue;
      std::string name = "params." + key;
      if (key == "components") p.components = intArg(env, v, name.c_str());
      else if (key == "iterations") p.iterations = intArg(env, v, name.c_str());
      else if (key == "gamma") p.gamma = numberArg(env, v, name.c_str());
      else if (key == "connectivity") p.connectivity = intArg(env, v, name.c_str());
      else if (key == "seed") p.seed = uint32Arg(env, v, name.c_str());
      else if (key == "modelsFromSeeds") {
        if (!v.IsBoolean()) typeError(env, name + " must be a boolean, got " + describe(v));
        p.models_from_seeds = v.As<Napi::Boolean>().Value() ? 1 : 0;
      }
      else typeError(env, name + " is not a GrabCut parameter (components, iterations, gamma, connectivity, seed, modelsFromSeeds)");
    }
  }

  size_t n = pixelsWithinLimits(width, height);
  if (n) {
    checkLength(env, rgb.length, 3 * n, "rgb", "3*width*height (" + dims(width, height) + ")");
    checkLength(env, labels.length, n, "labels", "width*height (" + dims(width, height) + ")");
  }
  std::vector<uint8_t> work(labels.data, labels.data + (n ? n : 0));
  if (work.empty()) work.push_back(0);
  di_grabcut_report report;
  std::memset(&report, 0, sizeof report);
  check(env, di_grabcut(rgb.data, width, height, work.data(), &p, &report), "di_grabcut");
  if (!n) throw Napi::Error::New(env, "di_grabcut accepted a " + dims(width, height) + " image outside the core's limits");
  if (report.iterations < 0 || report.iterations > DI_GRABCUT_MAX_ITERATIONS)
    throw Napi::Error::New(env, "di_grabcut reported " + std::to_string(report.iterations) + " iterations");

  auto labelsOut = Napi::Uint8Array::New(env, n);
  std::memcpy(labelsOut.Data(), work.data(), n);
  Napi::Array energy = Napi::Array::New(env, size_t(report.iterations));
  for (int i = 0; i < report.iterations; i++) energy.Set(uint32_t(i), Napi::Number::New(env, report.energy[i]));
  Napi::Object o = Napi::Object::New(env);
  o.Set("labels", labelsOut);
  o.Set("energy", energy);
  o.Set("iterations", Napi::Number::New(env, report.iterations));
  o.Set("beta", Napi::Number::New(env, report.beta));
  return o;
}

// ---- largestComponent(mask: Uint8Array(wh), width, height): { mask, box, area } ---------------

Napi::Value LargestComponent(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 3, "largestComponent");
  auto mask = typedArg<uint8_t>(env, info[0], "mask");
  int width = intArg(env, info[1], "width");
  int height = intArg(env, info[2], "height");
  size_t n = pixelsWithinLimits(width, height);
  if (n) checkLength(env, mask.length, n, "mask", "width*height (" + dims(width, height) + ")");
  std::vector<uint8_t> out(n ? n : 1);
  int box[4] = {-1, -1, -1, -1};
  size_t area = 0;
  check(env, di_largest_component(mask.data, width, height, out.data(), box, &area), "di_largest_component");
  if (!n) throw Napi::Error::New(env, "di_largest_component accepted a " + dims(width, height) + " mask outside the core's limits");
  auto maskOut = Napi::Uint8Array::New(env, n);
  std::memcpy(maskOut.Data(), out.data(), n);
  Napi::Object o = Napi::Object::New(env);
  o.Set("mask", maskOut);
  if (area == 0) {
    o.Set("box", env.Null());
  } else {
    Napi::Array b = Napi::Array::New(env, 4);
    for (uint32_t i = 0; i < 4; i++) b.Set(i, Napi::Number::New(env, box[i]));
    o.Set("box", b);
  }
  o.Set("area", Napi::Number::New(env, double(area)));
  return o;
}

// ---- CUDA (optional; see deepinside.h) --------------------------------------------------------

// cudaAvailable(): { available: boolean, reason: string } (reason: the device, or why not)
Napi::Value CudaAvailable(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  char why[256] = "";
  const int ok = di_cuda_available(why, sizeof why);
  Napi::Object o = Napi::Object::New(env);
  o.Set("available", Napi::Boolean::New(env, ok != 0));
  o.Set("reason", Napi::String::New(env, why));
  return o;
}

// models[i] of an array of Gmm objects, errors prefixed with name[i]
void gmmListFromJs(Napi::Env env, const Napi::Value &v, const char *name, std::vector<di_gmm> &out) {
  if (!v.IsArray()) typeError(env, std::string(name) + " must be an Array of GMMs from gmmFit, got " + describe(v));
  Napi::Array a = v.As<Napi::Array>();
  out.resize(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) {
    try {
      gmmFromJs(env, a.Get(i), &out[i]);
    } catch (Napi::Error &e) {
      std::string msg = std::string(name) + "[" + std::to_string(i) + "]: " + e.Message();
      e.Value().Set("message", Napi::String::New(env, msg));
      throw;
    }
  }
}

// cudaGmmNllBatch(fg: Gmm[], bg: Gmm[] | null, samples: Float32Array(3 * batch * n))
//   -> { fg: Float32Array(batch * n), bg: Float32Array(batch * n) | null }: -log p of each sample of
//   image b (the b-th n triples) under fg[b] and bg[b] (batch = fg.length), on the GPU
Napi::Value CudaGmmNllBatch(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 3, "cudaGmmNllBatch");
  std::vector<di_gmm> fg, bg;
  gmmListFromJs(env, info[0], "fg", fg);
  const bool haveBg = !info[1].IsNull() && !info[1].IsUndefined();
  if (haveBg) gmmListFromJs(env, info[1], "bg", bg);
  auto samples = typedArg<float>(env, info[2], "samples");
  if (fg.empty()) rangeError(env, "fg must hold at least one GMM (one per image), got an empty Array");
  if (haveBg && bg.size() != fg.size())
    rangeError(env, "bg has " + std::to_string(bg.size()) + " GMMs, expected one per image as in fg (" +
                        std::to_string(fg.size()) + ")");
  if (fg.size() > 2147483647u) rangeError(env, "fg has too many GMMs");
  const size_t batch = fg.size();
  if (samples.length == 0 || samples.length % (3 * batch) != 0)
    rangeError(env, "samples has length " + std::to_string(samples.length) + ", expected a positive multiple of 3*batch = " +
                        std::to_string(3 * batch) + " (RGB triples, the same count for each of the " +
                        std::to_string(batch) + " images)");
  const size_t n = samples.length / (3 * batch);
  std::vector<float> fo(batch * n), bo(haveBg ? batch * n : 0);
  check(env,
        di_cuda_gmm_loglik_batch(int(batch), n, samples.data, fg.data(), haveBg ? bg.data() : nullptr, fo.data(),
                                 haveBg ? bo.data() : nullptr),
        "di_cuda_gmm_loglik_batch");
  Napi::Object o = Napi::Object::New(env);
  auto fa = Napi::Float32Array::New(env, fo.size());
  std::memcpy(fa.Data(), fo.data(), fo.size() * sizeof(float));
  o.Set("fg", fa);
  if (haveBg) {
    auto ba = Napi::Float32Array::New(env, bo.size());
    std::memcpy(ba.Data(), bo.data(), bo.size() * sizeof(float));
    o.Set("bg", ba);
  } else {
    o.Set("bg", env.Null());
  }
  return o;
}

// cudaMaxflowGridBatch(batch, width, height, connectivity, source, sink, edges)
//   -> { label: Uint8Array(batch*w*h), flow: Float64Array(batch) }: maxflowGrid for batch grids of
//   one size laid out one after another, on the GPU
Napi::Value CudaMaxflowGridBatch(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  needArgs(info, 7, "cudaMaxflowGridBatch");
  int batch = intArg(env, info[0], "batch");
  // batch < 1: no lengths to check, the core rejects the batch
  const auto [width, height, connectivity, source, sink, edges, total] = gridArgs(info, 1, batch >= 1 ? batch : -1);
  std::vector<uint8_t> label(total ? total : 1);
  std::vector<double> flow(total ? size_t(batch) : 1);
  check(env,
        di_cuda_maxflow_grid_batch(batch, width, height, connectivity, source.data, sink.data, edges.data, label.data(),
                                   flow.data()),
        "di_cuda_maxflow_grid_batch");
  if (!total) throw Napi::Error::New(env, "di_cuda_maxflow_grid_batch accepted a batch of " + std::to_string(batch) + " " + dims(width, height) + " grids outside the core's limits");
  auto labelOut = Napi::Uint8Array::New(env, total);
  std::memcpy(labelOut.Data(), label.data(), total);
  auto flowOut = Napi::Float64Array::New(env, size_t(batch));
  std::memcpy(flowOut.Data(), flow.data(), size_t(batch) * sizeof(double));
  Napi::Object o = Napi::Object::New(env);
  o.Set("label", labelOut);
  o.Set("flow", flowOut);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("quantile", Napi::Function::New(env, Quantile, "quantile"));
  exports.Set("gmmFit", Napi::Function::New(env, GmmFit, "gmmFit"));
  exports.Set("gmmLogLik", Napi::Function::New(env, GmmLogLik, "gmmLogLik"));
  exports.Set("maxflowGrid", Napi::Function::New(env, MaxflowGrid, "maxflowGrid"));
  exports.Set("grabcutDefaults", Napi::Function::New(env, GrabcutDefaults, "grabcutDefaults"));
  exports.Set("grabcut", Napi::Function::New(env, Grabcut, "grabcut"));
  exports.Set("largestComponent", Napi::Function::New(env, LargestComponent, "largestComponent"));
  exports.Set("cudaAvailable", Napi::Function::New(env, CudaAvailable, "cudaAvailable"));
  exports.Set("cudaGmmNllBatch", Napi::Function::New(env, CudaGmmNllBatch, "cudaGmmNllBatch"));
  exports.Set("cudaMaxflowGridBatch", Napi::Function::New(env, CudaMaxflowGridBatch, "cudaMaxflowGridBatch"));
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("maxPixels", Napi::Number::New(env, DI_MAX_PIXELS));
  limits.Set("maxSide", Napi::Number::New(env, DI_MAX_SIDE));
  limits.Set("maxComponents", Napi::Number::New(env, DI_MAX_COMPONENTS));
  limits.Set("maxGrabcutIterations", Napi::Number::New(env, DI_GRABCUT_MAX_ITERATIONS));
  exports.Set("limits", limits);
  return exports;
}

}  // namespace

NODE_API_MODULE(deepinside_native, Init)
