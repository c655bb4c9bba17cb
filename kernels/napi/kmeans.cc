#include "kmeans_args.h"

namespace lookalike::napi {
namespace {

// kmeans(X, n, d, k, seed, maxIterations, tolerance, threads, sampleStart)
//   -> { labels, centroids, inertia, iterations, history, seconds }
Napi::Value kmeans_js(const Napi::CallbackInfo& info) { return kmeans_binding(info, kmeans); }

}  // namespace

void register_kmeans(Napi::Env env, Napi::Object exports) {
  exports.Set("kmeans", Napi::Function::New(env, kmeans_js, "kmeans"));
}

}  // namespace lookalike::napi
