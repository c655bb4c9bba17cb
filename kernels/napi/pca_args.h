// The PCA binding shared by the CPU and CUDA kernels:
// (X, n, d, components, powerIterations, seed[, threads]) -> { scores, variance }.
#pragma once
#include "common.h"
#include "lookalike/pca.h"

namespace lookalike::napi {

// `kernel` has pca_project's signature; `threads_at` is the argument holding the thread
// count, or 0 where the kernel takes none.
template <typename Kernel>
Napi::Value pca_binding(const Napi::CallbackInfo& info, size_t threads_at, Kernel kernel) {
  return guard(info, [&] {
    auto env = info.Env();
    auto X = f32(info[0], "X");
    const int64_t n = integer(info[1]);
    const int d = static_cast<int>(integer(info[2]));
    PcaParams params;
    params.components = static_cast<int>(integer(info[3]));
    params.power_iterations = static_cast<int>(integer(info[4]));
    params.seed = static_cast<uint64_t>(integer(info[5]));
    if (threads_at > 0) params.threads = static_cast<int>(integer(info[threads_at]));
    auto scores = Napi::Float32Array::New(env, static_cast<size_t>(n) * params.components);
    auto variance = Napi::Float64Array::New(env, params.components);
    kernel(X.data, n, d, params, scores.Data(), variance.Data());
    auto result = Napi::Object::New(env);
    result.Set("scores", scores);
    result.Set("variance", variance);
    return static_cast<Napi::Value>(result);
  });
}

}  // namespace lookalike::napi
