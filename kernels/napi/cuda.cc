// The CUDA kernels' bindings, the CPU ones' arguments less the thread count. Without
// CUDA in the build only cudaBuilt (false) and cudaDeviceCount (0) exist.
#include "common.h"
#include "lookalike/cuda.h"
#include "kmeans_args.h"
#include "pca_args.h"
#include "tsne_args.h"

namespace lookalike::napi {
namespace {

Napi::Value device_count_js(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), cuda::device_count());
}

#ifdef LOOKALIKE_CUDA

// cudaMemory(resetPeak) -> { currentBytes, peakBytes, freeBytes, totalBytes }
Napi::Value memory_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    const cuda::MemoryUse use = cuda::memory_use(info[0].ToBoolean().Value());
    auto result = Napi::Object::New(env);
    result.Set("currentBytes", static_cast<double>(use.current_bytes));
    result.Set("peakBytes", static_cast<double>(use.peak_bytes));
    result.Set("freeBytes", static_cast<double>(use.free_bytes));
    result.Set("totalBytes", static_cast<double>(use.total_bytes));
    return static_cast<Napi::Value>(result);
  });
}

// knnExactCuda(X, n, d, k) -> { indices, distances }
Napi::Value knn_exact_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    auto X = f32(info[0], "X");
    const int64_t n = integer(info[1]);
    const int d = static_cast<int>(integer(info[2]));
    const int k = static_cast<int>(integer(info[3]));
    auto indices = Napi::Int32Array::New(env, static_cast<size_t>(n) * k);
    auto distances = Napi::Float32Array::New(env, static_cast<size_t>(n) * k);
    cuda::knn_exact(X.data, n, d, k, indices.Data(), distances.Data());
    auto result = Napi::Object::New(env);
    result.Set("indices", indices);
    result.Set("distances", distances);
    return static_cast<Napi::Value>(result);
  });
}

// pcaProjectCuda(X, n, d, components, powerIterations, seed) -> { scores, variance }
Napi::Value pca_project_js(const Napi::CallbackInfo& info) { return pca_binding(info, 0, cuda::pca_project); }

// kmeansCuda(X, n, d, k, seed, maxIterations, tolerance, threads, sampleStart = false) -> as kmeans(); the
// threads draw the seeds on the host.
Napi::Value kmeans_js(const Napi::CallbackInfo& info) { return kmeans_binding(info, cuda::kmeans); }

// tsneGradientCuda(indptr, indices, values, Y, exaggeration, repulsion) -> { gradient, z, kl }
Napi::Value gradient_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    CsrView P = csr_arg(info, 0);
    auto Y = f32(info[3], "Y");
    auto grad = Napi::Float32Array::New(env, Y.size);
    const GradientResult g =
        cuda::tsne_gradient(P, Y.data, number(info[4]), repulsion_arg(info[5]), FftParams{}, true, grad.Data());
    return gradient_result(env, grad, g, P);
  });
}

// tsneOptimizeCuda(indptr, indices, values, Y, update, gains, params, report?) -> iterations done.
Napi::Value optimize_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    CsrView P = csr_arg(info, 0);
    auto Y = f32(info[3], "Y");
    auto update = f32(info[4], "update");
    auto gains = f32(info[5], "gains");
    const int done = cuda::tsne_optimize(P, Y.data, update.data, gains.data, optimize_params(info[6].As<Napi::Object>()),
                                         report_arg(info, 7));
    return static_cast<Napi::Value>(Napi::Number::New(info.Env(), done));
  });
}

#endif

}  // namespace

void register_cuda(Napi::Env env, Napi::Object exports) {
#ifdef LOOKALIKE_CUDA
  exports.Set("cudaBuilt", Napi::Boolean::New(env, true));
  exports.Set("cudaMemory", Napi::Function::New(env, memory_js, "cudaMemory"));
  exports.Set("knnExactCuda", Napi::Function::New(env, knn_exact_js, "knnExactCuda"));
  exports.Set("pcaProjectCuda", Napi::Function::New(env, pca_project_js, "pcaProjectCuda"));
  exports.Set("kmeansCuda", Napi::Function::New(env, kmeans_js, "kmeansCuda"));
  exports.Set("tsneGradientCuda", Napi::Function::New(env, gradient_js, "tsneGradientCuda"));
  exports.Set("tsneOptimizeCuda", Napi::Function::New(env, optimize_js, "tsneOptimizeCuda"));
#else
  exports.Set("cudaBuilt", Napi::Boolean::New(env, false));
#endif
  exports.Set("cudaDeviceCount", Napi::Function::New(env, device_count_js, "cudaDeviceCount"));
}

}  // namespace lookalike::napi
