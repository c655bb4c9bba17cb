#include "common.h"
#include "lookalike/tsne_gradient.h"

namespace lookalike::napi {
namespace {

Napi::Value forces_and_z(Napi::Env env, Napi::Float32Array forces, double z) {
  auto result = Napi::Object::New(env);
  result.Set("forces", forces);
  result.Set("z", Napi::Number::New(env, z));
  return result;
}

// repulsionExact(Y, threads) -> { forces, z }
Napi::Value repulsion_exact_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    auto Y = f32(info[0], "Y");
    const int threads = static_cast<int>(integer(info[1]));
    auto forces = Napi::Float32Array::New(env, Y.size);
    const double z = repulsion_exact(Y.data, static_cast<int64_t>(Y.size / 2), forces.Data(), threads);
    return forces_and_z(env, forces, z);
  });
}

// repulsionFft(Y, pointsPerInterval, minIntervals, intervalsPerUnit, threads) -> { forces, z }
Napi::Value repulsion_fft_js(const Napi::CallbackInfo& info) {
  return guard(info, [&] {
    auto env = info.Env();
    auto Y = f32(info[0], "Y");
    FftParams params;
    params.points_per_interval = static_cast<int>(integer(info[1]));
    params.min_intervals = static_cast<int>(integer(info[2]));
    params.intervals_per_unit = number(info[3]);
    const int threads = static_cast<int>(integer(info[4]));
    auto forces = Napi::Float32Array::New(env, Y.size);
    const double z = repulsion_fft(Y.data, static_cast<int64_t>(Y.size / 2), params, forces.Data(), threads);
    return forces_and_z(env, forces, z);
  });
}

}  // namespace

void register_repulsion(Napi::Env env, Napi::Object exports) {
  exports.Set("repulsionExact", Napi::Function::New(env, repulsion_exact_js, "repulsionExact"));
  exports.Set("repulsionFft", Napi::Function::New(env, repulsion_fft_js, "repulsionFft"));
}

}  // namespace lookalike::napi
