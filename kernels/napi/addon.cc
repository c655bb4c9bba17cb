// The one native addon: each binding file registers its functions here.
#include "common.h"

namespace {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  lookalike::napi::register_pca(env, exports);
  lookalike::napi::register_tsne(env, exports);
  lookalike::napi::register_repulsion(env, exports);
  lookalike::napi::register_quality(env, exports);
  lookalike::napi::register_knn(env, exports);
  lookalike::napi::register_cuda(env, exports);
  lookalike::napi::register_kmeans(env, exports);

  return exports;
}

}  // namespace

NODE_API_MODULE(lookalike_kernels, init)
