{
  "variables": {
    # CUDA kernels are built when nvcc is found ($NVCC, $CUDA_HOME, PATH, /usr/local/cuda).
    "nvcc%": "<!(node kernels/cuda/nvcc.js)",
    "cudart_dir%": "<!(node kernels/cuda/nvcc.js lib)",
    # Host code's target CPU: LOOKALIKE_MARCH=x86-64-v3 builds a copy for other machines.
    "march%": "<!(node -p \"process.env.LOOKALIKE_MARCH || 'native'\")"
  },
  "targets": [
    {
      "target_name": "lookalike_kernels",
      "sources": [
        "kernels/napi/addon.cc",
        "kernels/napi/pca.cc",
        "kernels/napi/tsne.cc",
        "kernels/napi/cuda.cc",
        "kernels/napi/kmeans.cc",
        "kernels/cpu/gemm.cc",
        "kernels/cpu/column_means.cc",
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
        "kernels/cpu/knn_approx.cc",
        "kernels/cpu/kmeans.cc",
        "kernels/cpu/kmeans_seed.cc",
        "kernels/cpu/kmeans_lloyd.cc",
        "kernels/cpu/arrays.cc",
        "kernels/cpu/thread_pool.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "kernels/include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      # Reassociation (not -ffast-math: the kernels test for infinities) lets GCC vectorise
      # the float reductions of the hot loops; results stay deterministic for a build.
      "cflags_cc": [
        "-std=c++17", "-O3", "-march=<(march)", "-pthread",
        "-fno-math-errno", "-fno-trapping-math", "-fassociative-math", "-fno-signed-zeros", "-freciprocal-math"
      ],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3"]
      },
      "conditions": [
        ["nvcc != '' and cudart_dir != ''", {
          "sources": [
            "kernels/cuda/device.cu",
            "kernels/cuda/reduce.cu",
            "kernels/cuda/knn.cu",
            "kernels/cuda/grid_convolution.cu",
            "kernels/cuda/repulsion.cu",
            "kernels/cuda/tsne.cu",
            "kernels/cuda/gemm.cu",
            "kernels/cuda/pca.cu",
            "kernels/cuda/kmeans.cu"
          ],
          "defines": ["LOOKALIKE_CUDA=1"],
          # The static runtime loads the driver at the first call, so the addon also loads
          # (and reports no device) where there is no GPU driver.
          "libraries": ["-L<(cudart_dir)", "-lcudart_static", "-ldl", "-lrt", "-lpthread"],
          "rules": [
            {
              "rule_name": "nvcc",
              "extension": "cu",
              "inputs": [
                "kernels/cuda/device.cuh",
                "kernels/cuda/fft.cuh",
                "kernels/cuda/gemm.cuh",
                "kernels/cuda/grid_convolution.cuh",
                "kernels/cuda/reduce.cuh",
                "kernels/cuda/repulsion.cuh",
                "kernels/cuda/tile.cuh"
              ],
              "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).o"],
              "action": [
                "<(nvcc)", "-O3", "-std=c++17", "-Xcompiler", "-fPIC",
                "-gencode", "arch=compute_80,code=sm_80",
                "-gencode", "arch=compute_90,code=sm_90",
                "-gencode", "arch=compute_90,code=compute_90",
                "-I<(module_root_dir)/kernels/include",
                "-c", "<(RULE_INPUT_PATH)", "-o", "<@(_outputs)"
              ],
              "message": "NVCC <(RULE_INPUT_PATH)",
              "process_outputs_as_sources": 1
            }
          ]
        }, {
          "sources": ["kernels/cuda/no_cuda.cc"]
        }]
      ]
    }
  ]
}
