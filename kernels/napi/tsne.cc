#include <vector>

#include "common.h"
#include "tsne_args.h"
#include "lookalike/affinity.h"
#include "lookalike/tsne_gradient.h"
#include "lookalike/tsne_optimize.h"

namespace lookalike::napi {
namespace {

// affinitiesPerplexity(indices, distances, n, k, perplexity, threads) -> { indptr, indices, values }
Napi::Value affinities_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    auto idx = i32(info[0], "indices");
    auto dist = f32(info[1], "distances");
    const int64_t n = integer(info[2]);
    Napi::Int32Array indptr, indices;
    Napi::Float32Array values;
    affinities_perplexity(idx.data, dist.data, n, static_cast<int>(integer(info[3])), number(info[4]),
                          static_cast<int>(integer(info[5])), [&](int64_t nnz) {
                            indptr = Napi::Int32Array::New(env, static_cast<size_t>(n) + 1);
                            indices = Napi::Int32Array::New(env, static_cast<size_t>(nnz));
                            values = Napi::Float32Array::New(env, static_cast<size_t>(nnz));
                            return CsrOut{indptr.Data(), indices.Data(), values.Data()};
                          });
    auto result = Napi::Object::New(env);
    result.Set("indptr", indptr);
    result.Set("indices", indices);
    result.Set("values", values);
    return static_cast<Napi::Value>(result);
  });
}

// tsneGradient(indptr, indices, values, Y, exaggeration, repulsion, threads) -> { gradient, z, kl }
Napi::Value gradient_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    CsrView P = csr_arg(info, 0);
    auto Y = f32(info[3], "Y");
    const Repulsion repulsion = repulsion_arg(info[5]);
    auto grad = Napi::Float32Array::New(env, Y.size);
    std::vector<float> scratch(Y.size);
    const GradientResult g = tsne_gradient(P, Y.data, number(info[4]), repulsion, FftParams{}, true, grad.Data(),
                                           scratch.data(), static_cast<int>(integer(info[6])));
    return gradient_result(env, grad, g, P);
  });
}

// tsneOptimize(indptr, indices, values, Y, update, gains, params, report?) -> iterations done.
// Y, update and gains are updated in place; report(iteration, kl) returning true stops.
Napi::Value optimize_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    CsrView P = csr_arg(info, 0);
    auto Y = f32(info[3], "Y");
    auto update = f32(info[4], "update");
    auto gains = f32(info[5], "gains");
    const OptimizeParams params = optimize_params(info[6].As<Napi::Object>());
    const OptimizeReport report = report_arg(info, 7);
    const int done = tsne_optimize(P, Y.data, update.data, gains.data, params, report);
    return static_cast<Napi::Value>(Napi::Number::New(env, done));
  });
}

}  // namespace

void register_tsne(Napi::Env env, Napi::Object exports) {
  exports.Set("affinitiesPerplexity", Napi::Function::New(env, affinities_js, "affinitiesPerplexity"));
  exports.Set("tsneGradient", Napi::Function::New(env, gradient_js, "tsneGradient"));
  exports.Set("tsneOptimize", Napi::Function::New(env, optimize_js, "tsneOptimize"));
}

}  // namespace lookalike::napi
