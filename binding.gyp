{
  "targets": [
    {
      "target_name": "lookalike_kernels",
      "sources": [
        "kernels/napi/addon.cc",
        "kernels/napi/pca.cc",
        "kernels/napi/tsne.cc",
        "kernels/napi/kmeans.cc",
        "kernels/cpu/gemm.cc",
        "kernels/cpu/small_linalg.cc",
        "kernels/cpu/pca.cc",
        "kernels/cpu/affinity.cc",
        "kernels/cpu/attraction.cc",
        "kernels/cpu/optimize.cc",
        "kernels/cpu/kmeans.cc",
        "kernels/cpu/kmeans_seed.cc",
        "kernels/cpu/kmeans_lloyd.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "kernels/include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fno-math-errno", "-pthread"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3"]
      }
    }
  ]
}
