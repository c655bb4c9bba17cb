#include "common.h"
#include "lookalike/pca.h"

namespace lookalike::napi {
namespace {

// pcaProject(X, n, d, components, powerIterations, seed, threads) -> { scores, variance }
Napi::Value pca_project_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    auto X = f32(info[0], "X");
    const int64_t n = integer(info[1]);
    const int d = static_cast<int>(integer(info[2]));
    PcaParams params;
    params.components = static_cast<int>(integer(info[3]));
    params.power_iterations = static_cast<int>(integer(info[4]));
    params.seed = static_cast<uint64_t>(integer(info[5]));
    params.threads = static_cast<int>(integer(info[6]));
    auto scores = Napi::Float32Array::New(env, static_cast<size_t>(n) * params.components);
    auto variance = Napi::Float64Array::New(env, params.components);
    pca_project(X.data, n, d, params, scores.Data(), variance.Data());
    auto result = Napi::Object::New(env);
    result.Set("scores", scores);
    result.Set("variance", variance);
    return static_cast<Napi::Value>(result);
  });
}

}  // namespace

void register_pca(Napi::Env env, Napi::Object exports) {
  exports.Set("pcaProject", Napi::Function::New(env, pca_project_js, "pcaProject"));
}

}  // namespace lookalike::napi
