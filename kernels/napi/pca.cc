#include "pca_args.h"

namespace lookalike::napi {
namespace {

// pcaProject(X, n, d, components, powerIterations, seed, threads) -> { scores, variance }
Napi::Value pca_project_js(const Napi::CallbackInfo& info) { return pca_binding(info, 6, pca_project); }

}  // namespace

void register_pca(Napi::Env env, Napi::Object exports) {
  exports.Set("pcaProject", Napi::Function::New(env, pca_project_js, "pcaProject"));
}

}  // namespace lookalike::napi
