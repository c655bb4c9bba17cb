#include "common.h"
#include "lookalike/kmeans.h"

namespace lookalike::napi {
namespace {

// kmeans(X, n, d, k, seed, maxIterations, tolerance, threads)
//   -> { labels, centroids, inertia, iterations, history }
Napi::Value kmeans_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    auto X = f32(info[0], "X");
    const int64_t n = integer(info[1]);
    const int d = static_cast<int>(integer(info[2]));
    KmeansParams params;
    params.k = static_cast<int>(integer(info[3]));
    params.seed = static_cast<uint64_t>(integer(info[4]));
    params.max_iterations = static_cast<int>(integer(info[5]));
    params.tolerance = number(info[6]);
    params.threads = static_cast<int>(integer(info[7]));
    auto labels = Napi::Int32Array::New(env, static_cast<size_t>(n));
    auto centroids = Napi::Float32Array::New(env, static_cast<size_t>(params.k) * d);
    const KmeansResult r = kmeans(X.data, n, d, params, labels.Data(), centroids.Data());
    auto history = Napi::Float64Array::New(env, r.history.size());
    std::copy(r.history.begin(), r.history.end(), history.Data());
    auto result = Napi::Object::New(env);
    result.Set("labels", labels);
    result.Set("centroids", centroids);
    result.Set("inertia", r.inertia);
    result.Set("iterations", r.iterations);
    result.Set("history", history);
    return static_cast<Napi::Value>(result);
  });
}

}  // namespace

void register_kmeans(Napi::Env env, Napi::Object exports) {
  exports.Set("kmeans", Napi::Function::New(env, kmeans_js, "kmeans"));
}

}  // namespace lookalike::napi
