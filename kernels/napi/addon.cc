// The one native addon: each binding file registers its functions here.
#include "common.h"
#include "lookalike/arrays.h"

namespace {

// firstNonFinite(data, threads) -> index of the first NaN or infinity, or -1.
Napi::Value first_non_finite_js(const Napi::CallbackInfo& info) {
  auto data = lookalike::napi::f32(info[0], "data");
  const int threads = static_cast<int>(lookalike::napi::integer(info[1]));
  return Napi::Number::New(info.Env(), static_cast<double>(lookalike::first_non_finite(data.data, data.size, threads)));
}

// firstBadNeighbour(indices, distances, n, threads) -> the first entry whose index is
// outside [0, n) or whose distance is not finite and non-negative, or -1.
Napi::Value first_bad_neighbour_js(const Napi::CallbackInfo& info) {
  auto indices = lookalike::napi::i32(info[0], "indices");
  auto distances = lookalike::napi::f32(info[1], "distances");
  if (indices.size != distances.size) throw Napi::RangeError::New(info.Env(), "firstBadNeighbour: indices and distances differ in length");
  const int64_t n = lookalike::napi::integer(info[2]);
  const int threads = static_cast<int>(lookalike::napi::integer(info[3]));
  return Napi::Number::New(info.Env(), static_cast<double>(lookalike::first_bad_neighbour(
                                           indices.data, distances.data, static_cast<int64_t>(indices.size), n, threads)));
}

// copyFloats(from, to, threads): to.set(from), on all cores; `to` is at least as long.
Napi::Value copy_floats_js(const Napi::CallbackInfo& info) {
  auto from = lookalike::napi::f32(info[0], "from");
  auto to = lookalike::napi::f32(info[1], "to");
  if (to.size < from.size) throw Napi::RangeError::New(info.Env(), "copyFloats: the target is shorter than the source");
  lookalike::copy_floats(from.data, to.data, static_cast<int64_t>(from.size), static_cast<int>(lookalike::napi::integer(info[2])));
  return info.Env().Undefined();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  lookalike::napi::register_pca(env, exports);
  lookalike::napi::register_tsne(env, exports);
  lookalike::napi::register_repulsion(env, exports);
  lookalike::napi::register_quality(env, exports);
  lookalike::napi::register_knn(env, exports);
  lookalike::napi::register_cuda(env, exports);
  lookalike::napi::register_kmeans(env, exports);
  exports.Set("firstNonFinite", Napi::Function::New(env, first_non_finite_js, "firstNonFinite"));
  exports.Set("firstBadNeighbour", Napi::Function::New(env, first_bad_neighbour_js, "firstBadNeighbour"));
  exports.Set("copyFloats", Napi::Function::New(env, copy_floats_js, "copyFloats"));

  return exports;
}

}  // namespace

NODE_API_MODULE(lookalike_kernels, init)
