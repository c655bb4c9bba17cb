// Argument and error plumbing shared by the bindings. TypeScript validates shapes and
// values; these checks only guard the boundary against a wrong typed-array type.
#pragma once
#include <napi.h>
#include <new>
#include <string>
#include "lookalike/status.h"

namespace lookalike::napi {

template <typename T>
struct Span {
  T* data;
  size_t size;
};

template <typename T, napi_typedarray_type Type>
Span<T> typed(const Napi::Value& v, const char* name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != Type)
    throw Napi::TypeError::New(v.Env(), std::string(name) + ": wrong typed array type");
  auto a = v.As<Napi::TypedArrayOf<T>>();
  return {a.Data(), a.ElementLength()};
}

inline Span<float> f32(const Napi::Value& v, const char* name) {
  return typed<float, napi_float32_array>(v, name);
}
inline Span<int32_t> i32(const Napi::Value& v, const char* name) {
  return typed<int32_t, napi_int32_array>(v, name);
}
inline int64_t integer(const Napi::Value& v) { return v.As<Napi::Number>().Int64Value(); }
inline double number(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }

inline Napi::Error with_code(Napi::Env env, const std::string& code, const std::string& message) {
  auto error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

// Runs a binding body, turning native failures into JS errors with a code.
template <typename F>
Napi::Value guard(const Napi::CallbackInfo& info, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const KernelError& e) {
    throw with_code(info.Env(), e.code, e.what());
  } catch (const std::bad_alloc&) {
    throw with_code(info.Env(), "OUT_OF_MEMORY", "native kernel: out of memory");
  } catch (const std::exception& e) {
    throw with_code(info.Env(), "KERNEL_FAILED", std::string("native kernel: ") + e.what());
  }
}

void register_pca(Napi::Env env, Napi::Object exports);
void register_tsne(Napi::Env env, Napi::Object exports);
void register_repulsion(Napi::Env env, Napi::Object exports);
void register_quality(Napi::Env env, Napi::Object exports);
void register_knn(Napi::Env env, Napi::Object exports);
void register_cuda(Napi::Env env, Napi::Object exports);
void register_kmeans(Napi::Env env, Napi::Object exports);

}  // namespace lookalike::napi
