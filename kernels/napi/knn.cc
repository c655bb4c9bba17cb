#include "common.h"
#include "lookalike/knn.h"

namespace lookalike::napi {
namespace {

struct Shape {
  Span<float> X;
  int64_t n;
  int d, k;
};

// X, n, d, k from the first four arguments; a length mismatch would read past X.
Shape shape(const Napi::CallbackInfo& info) {
  Shape s{f32(info[0], "X"), integer(info[1]), static_cast<int>(integer(info[2])),
          static_cast<int>(integer(info[3]))};
  if (s.n < 0 || s.d < 0 || s.X.size != static_cast<size_t>(s.n) * static_cast<size_t>(s.d))
    throw KernelError("BAD_ARGUMENT", "X length is not n x d");
  return s;
}

// Runs `search` into fresh n x k outputs and returns { indices, distances }.
template <typename F>
Napi::Value neighbours(Napi::Env env, const Shape& s, F&& search) {
  const size_t size = static_cast<size_t>(s.n) * static_cast<size_t>(s.k);
  auto indices = Napi::Int32Array::New(env, size);
  auto distances = Napi::Float32Array::New(env, size);
  search(indices.Data(), distances.Data());
  auto result = Napi::Object::New(env);
  result.Set("indices", indices);
  result.Set("distances", distances);
  return result;
}

// knnExact(X, n, d, k, threads) -> { indices, distances }
Napi::Value knn_exact_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    const Shape s = shape(info);
    const int threads = static_cast<int>(integer(info[4]));
    return neighbours(info.Env(), s, [&](int32_t* indices, float* distances) {
      knn_exact(s.X.data, s.n, s.d, s.k, threads, indices, distances);
    });
  });
}

// knnApprox(X, n, d, k, seed, threads) -> { indices, distances }
Napi::Value knn_approx_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    const Shape s = shape(info);
    KnnApproxParams params;
    params.seed = static_cast<uint64_t>(integer(info[4]));
    params.threads = static_cast<int>(integer(info[5]));
    return neighbours(info.Env(), s, [&](int32_t* indices, float* distances) {
      knn_approx(s.X.data, s.n, s.d, s.k, params, indices, distances);
    });
  });
}

}  // namespace

void register_knn(Napi::Env env, Napi::Object exports) {
  exports.Set("knnExact", Napi::Function::New(env, knn_exact_js, "knnExact"));
  exports.Set("knnApprox", Napi::Function::New(env, knn_approx_js, "knnApprox"));
}

}  // namespace lookalike::napi
