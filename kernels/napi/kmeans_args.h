// The k-means binding shared by the CPU and CUDA kernels:
// (X, n, d, k, seed, maxIterations, tolerance, threads, sampleStart)
//   -> { labels, centroids, inertia, iterations, history, seconds: { setup, seeding, lloyd } }.
#pragma once
#include <algorithm>

#include "common.h"
#include "lookalike/kmeans.h"

namespace lookalike::napi {

// `kernel` has kmeans' signature.
template <typename Kernel>
Napi::Value kmeans_binding(const Napi::CallbackInfo& info, Kernel kernel) {
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
    params.sample_start = info[8].ToBoolean().Value();
    auto labels = Napi::Int32Array::New(env, static_cast<size_t>(n));
    auto centroids = Napi::Float32Array::New(env, static_cast<size_t>(params.k) * d);
    const KmeansResult r = kernel(X.data, n, d, params, labels.Data(), centroids.Data());
    auto history = Napi::Float64Array::New(env, r.history.size());
    std::copy(r.history.begin(), r.history.end(), history.Data());
    auto result = Napi::Object::New(env);
    result.Set("labels", labels);
    result.Set("centroids", centroids);
    result.Set("inertia", r.inertia);
    result.Set("iterations", r.iterations);
    result.Set("history", history);
    auto seconds = Napi::Object::New(env);
    seconds.Set("setup", r.setup_seconds);
    seconds.Set("seeding", r.seeding_seconds);
    seconds.Set("lloyd", r.lloyd_seconds);
    result.Set("seconds", seconds);
    return static_cast<Napi::Value>(result);
  });
}

}  // namespace lookalike::napi
