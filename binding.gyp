{
  "targets": [
    {
      "target_name": "lookalike_kernels",
      "sources": [
        "kernels/napi/addon.cc",
        "kernels/napi/pca.cc",
        "kernels/napi/tsne.cc",
        "kernels/cpu/gemm.cc",
        "kernels/cpu/small_linalg.cc",
        "kernels/cpu/pca.cc",
        "kernels/cpu/affinity.cc",
        "kernels/cpu/attraction.cc",
        "kernels/cpu/optimize.cc",
        "kernels/napi/repulsion.cc",
        "kernels/cpu/fft.cc",
        "kernels/cpu/grid_convolution.cc",
        "kernels/cpu/interpolation_grid.cc",
        "kernels/cpu/repulsion_exact.cc",
        "kernels/cpu/repulsion_fft.cc",
        "kernels/napi/quality.cc",
        "kernels/cpu/kdtree_2d.cc",
        "kernels/cpu/quality.cc",
        "kernels/napi/knn.cc",
        "kernels/cpu/knn_join.cc",
        "kernels/cpu/knn_tree.cc",
        "kernels/cpu/knn_kmeans.cc",
        "kernels/cpu/knn_exact.cc",
        "kernels/cpu/knn_approx.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "kernels/include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": [
        "-std=c++17", "-O3", "-march=native", "-pthread",
        "-fno-math-errno", "-fno-trapping-math", "-fassociative-math", "-fno-signed-zeros", "-freciprocal-math"
      ],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3"]
      }
    }
  ]
}
