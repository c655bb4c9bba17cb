// Arguments and results shared by the CPU and CUDA t-SNE bindings: P as three typed arrays,
// the optimiser's parameter object, the progress callback, the gradient's result object.
#pragma once
#include <string>
#include <type_traits>

#include "common.h"
#include "lookalike/tsne_optimize.h"

namespace lookalike::napi {

inline CsrView csr_arg(const Napi::CallbackInfo& info, size_t first) {
  auto indptr = i32(info[first], "indptr");
  auto indices = i32(info[first + 1], "indices");
  auto values = f32(info[first + 2], "values");
  return {static_cast<int64_t>(indptr.size) - 1, indptr.data, indices.data, values.data};
}

template <typename T>
T option(const Napi::Object& o, const char* key, T fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) return v.As<Napi::String>().Utf8Value();
  else return static_cast<T>(v.As<Napi::Number>().DoubleValue());
}

inline Repulsion repulsion_arg(const Napi::Value& v) {
  return v.As<Napi::String>().Utf8Value() == "exact" ? Repulsion::exact : Repulsion::fft;
}

inline OptimizeParams optimize_params(const Napi::Object& o) {
  OptimizeParams params;
  params.iterations = option(o, "iterations", params.iterations);
  params.exaggeration = option(o, "exaggeration", params.exaggeration);
  params.learning_rate = option(o, "learningRate", params.learning_rate);
  params.momentum = option(o, "momentum", params.momentum);
  params.min_gain = option(o, "minGain", params.min_gain);
  params.repulsion = option<std::string>(o, "repulsion", "fft") == "exact" ? Repulsion::exact : Repulsion::fft;
  params.fft.points_per_interval = option(o, "pointsPerInterval", params.fft.points_per_interval);
  params.fft.min_intervals = option(o, "minIntervals", params.fft.min_intervals);
  params.fft.intervals_per_unit = option(o, "intervalsPerUnit", params.fft.intervals_per_unit);
  params.report_every = option(o, "reportEvery", params.report_every);
  params.kl_every = option(o, "klEvery", params.kl_every);
  params.threads = option(o, "threads", params.threads);
  return params;
}

// report(iteration, kl) returning true stops; none when the argument is not a function.
inline OptimizeReport report_arg(const Napi::CallbackInfo& info, size_t at) {
  if (info.Length() <= at || !info[at].IsFunction()) return {};
  auto env = info.Env();
  auto fn = info[at].As<Napi::Function>();
  return [env, fn](int iteration, double kl) {
    return fn.Call({Napi::Number::New(env, iteration), Napi::Number::New(env, kl)}).ToBoolean().Value();
  };
}

// { gradient, z, kl } of a gradient binding; kl adds the constant sum p log p to g's part.
inline Napi::Value gradient_result(Napi::Env env, const Napi::Float32Array& grad, const GradientResult& g,
                                   const CsrView& P) {
  auto result = Napi::Object::New(env);
  result.Set("gradient", grad);
  result.Set("z", g.z);
  result.Set("kl", p_log_p(P) + g.kl_part);
  return result;
}

}  // namespace lookalike::napi
