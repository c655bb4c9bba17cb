#include "column_means.h"

#include "lookalike/parallel.h"

namespace lookalike {

std::vector<double> column_means(const float* X, int64_t n, int d, int threads) {
  const int parts = parallel_parts(n, threads);
  std::vector<std::vector<double>> partial(parts, std::vector<double>(d, 0.0));
  parallel_for(n, threads, [&](int64_t begin, int64_t end, int part) {
    double* s = partial[part].data();
    for (int64_t i = begin; i < end; ++i)
      for (int j = 0; j < d; ++j) s[j] += X[i * d + j];
  });
  std::vector<double> mean(d, 0.0);
  for (const auto& s : partial)
    for (int j = 0; j < d; ++j) mean[j] += s[j];
  for (double& m : mean) m /= static_cast<double>(n);
  return mean;
}

}  // namespace lookalike
