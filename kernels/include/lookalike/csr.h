// A sparse matrix in compressed sparse row form, as flat buffers: row i's entries are
// indices/values[indptr[i] .. indptr[i+1]).
// 32-bit offsets: callers keep nnz below 2^31 (checked in TypeScript).
#pragma once
#include <cstdint>
#include <vector>

namespace lookalike {

struct CsrView {
  int64_t rows = 0;
  const int32_t* indptr = nullptr;
  const int32_t* indices = nullptr;
  const float* values = nullptr;
};

struct Csr {
  int64_t rows = 0;
  std::vector<int32_t> indptr;
  std::vector<int32_t> indices;
  std::vector<float> values;
  CsrView view() const { return {rows, indptr.data(), indices.data(), values.data()}; }
};

}  // namespace lookalike
