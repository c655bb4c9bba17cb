#include "common.h"
#include "lookalike/quality.h"

namespace lookalike::napi {
namespace {

// klDivergenceExact(indptr, indices, values, Y, threads) -> number
Napi::Value kl_divergence_exact_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto indptr = i32(info[0], "indptr");
    auto indices = i32(info[1], "indices");
    auto values = f32(info[2], "values");
    auto Y = f32(info[3], "Y");
    const CsrView P{static_cast<int64_t>(indptr.size) - 1, indptr.data, indices.data, values.data};
    const double kl = kl_divergence_exact(P, Y.data, static_cast<int>(integer(info[4])));
    return static_cast<Napi::Value>(Napi::Number::New(info.Env(), kl));
  });
}

// trustworthiness(X, n, d, Y, k, queries | null, threads) -> number
Napi::Value trustworthiness_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto X = f32(info[0], "X");
    const int64_t n = integer(info[1]);
    const int d = static_cast<int>(integer(info[2]));
    auto Y = f32(info[3], "Y");
    const int k = static_cast<int>(integer(info[4]));
    Span<int32_t> queries{nullptr, static_cast<size_t>(n)};
    if (!info[5].IsNull()) queries = i32(info[5], "queries");
    const double t = trustworthiness(X.data, n, d, Y.data, k, queries.data, static_cast<int64_t>(queries.size),
                                     static_cast<int>(integer(info[6])));
    return static_cast<Napi::Value>(Napi::Number::New(info.Env(), t));
  });
}

// knnLabelAgreement(Y, labels, k, threads) -> number
Napi::Value knn_label_agreement_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto Y = f32(info[0], "Y");
    auto labels = i32(info[1], "labels");
    const double a = knn_label_agreement(Y.data, static_cast<int64_t>(labels.size), labels.data,
                                         static_cast<int>(integer(info[2])), static_cast<int>(integer(info[3])));
    return static_cast<Napi::Value>(Napi::Number::New(info.Env(), a));
  });
}

}  // namespace

void register_quality(Napi::Env env, Napi::Object exports) {
  exports.Set("klDivergenceExact", Napi::Function::New(env, kl_divergence_exact_js, "klDivergenceExact"));
  exports.Set("trustworthiness", Napi::Function::New(env, trustworthiness_js, "trustworthiness"));
  exports.Set("knnLabelAgreement", Napi::Function::New(env, knn_label_agreement_js, "knnLabelAgreement"));
}

}  // namespace lookalike::napi
