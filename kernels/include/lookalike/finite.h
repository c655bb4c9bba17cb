// The scan behind the TypeScript wrappers' finiteness check of their input matrices.
#pragma once
#include <cstdint>

namespace lookalike {

// The index of the first value that is NaN or infinite, or -1; slices on `threads`
// threads (0: all cores), so a large input costs a fraction of one pass at memory speed.
int64_t first_non_finite(const float* data, int64_t count, int threads);

}  // namespace lookalike
