// Dense linear algebra on small matrices (tens to a few hundred rows), in double.
#pragma once
#include <vector>

namespace lookalike {

// Eigen-decomposition of the symmetric m x m matrix A (row-major): Householder reduction to
// tridiagonal form, then implicit QR steps with Wilkinson shifts.
// Returns eigenvalues in decreasing order; V (m x m, row-major) holds the matching
// eigenvectors as columns.
std::vector<double> symmetric_eigen(std::vector<double> A, int m, std::vector<double>& V);

}  // namespace lookalike
