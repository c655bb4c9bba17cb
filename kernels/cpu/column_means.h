// Column means of a row-major matrix, in double: the centre PCA and kNN shift points by.
#pragma once
#include <cstdint>
#include <vector>

namespace lookalike {

std::vector<double> column_means(const float* X, int64_t n, int d, int threads);

}  // namespace lookalike
