// The one native addon: each binding file registers its functions here.
#include "common.h"
#include "lookalike/finite.h"

namespace {

// firstNonFinite(data, threads) -> index of the first NaN or infinity, or -1.
Napi::Value first_non_finite_js(const Napi::CallbackInfo& info) {
  auto data = lookalike::napi::f32(info[0], "data");
  const int threads = static_cast<int>(lookalike::napi::integer(info[1]));
  return Napi::Number::New(info.Env(), static_cast<double>(lookalike::first_non_finite(data.data, data.size, threads)));
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

  return exports;
}

}  // namespace

NODE_API_MODULE(lookalike_kernels, init)
