// Discrete convolution of four charge grids with a radial kernel on a square grid of
// equispaced nodes, by FFT of the circulant embedding (zero padding to twice the nodes
// per dimension). The FFT-accelerated t-SNE repulsion does its far field with it.
#pragma once
#include <cstdint>

#include "arena.h"
#include "simd.h"

namespace lookalike {

// Node layout of charge and potential grids: [row][column][4], four interleaved values
// per node (what the point spreading and interpolation read and write together).
constexpr int kCharges = 4;

struct GridConvolutionSpec {
  int nodes;        // per dimension; 2 * nodes must be 5-smooth
  double spacing;   // distance between neighbouring nodes
  void (*kernel)(v16* d2, int64_t count);  // squared distances -> kernel values, in place
};

// potential_c(m) = sum_n kernel(|m - n|^2 spacing^2) charge_c(n) over all nodes, with
// charge = the sum of the `parts` grids in `charges`, each nodes^2 * 4 floats followed by
// 64 floats of padding (read, never used). Deterministic for a thread count. Working
// memory comes from `arena`: about 48 nodes^2 bytes, and nodes KB per thread.
void convolve_grid(const GridConvolutionSpec& spec, const float* const* charges, int parts,
                   float* potentials, int threads, Arena& arena);

}  // namespace lookalike
