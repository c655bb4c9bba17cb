cmd_Release/obj.target/lookalike_kernels/kernels/cpu/gemm.o := g++ -o Release/obj.target/lookalike_kernels/kernels/cpu/gemm.o ../kernels/cpu/gemm.cc '-DNODE_GYP_MODULE_NAME=lookalike_kernels' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DNAPI_VERSION=8' '-DNAPI_CPP_EXCEPTIONS' '-DBUILDING_NODE_EXTENSION' -I/usr/include/node -I/usr/src -I/usr/deps/openssl/config -I/usr/deps/openssl/openssl/include -I/usr/deps/uv/include -I/usr/deps/zlib -I/usr/deps/v8/include -I../node_modules/node-addon-api -I../kernels/include  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -m64 -fno-omit-frame-pointer -std=gnu++17 -std=c++17 -O3 -march=native -fno-math-errno -pthread -MMD -MF ./Release/.deps/Release/obj.target/lookalike_kernels/kernels/cpu/gemm.o.d.raw   -c
Release/obj.target/lookalike_kernels/kernels/cpu/gemm.o: \
 ../kernels/cpu/gemm.cc ../kernels/include/lookalike/gemm.h \
 ../kernels/include/lookalike/parallel.h ../kernels/cpu/simd.h
../kernels/cpu/gemm.cc:
../kernels/include/lookalike/gemm.h:
../kernels/include/lookalike/parallel.h:
../kernels/cpu/simd.h:
