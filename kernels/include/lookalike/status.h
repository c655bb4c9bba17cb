// The one error type kernels throw. The N-API layer turns it into a JS Error with
// `code`; nothing in kernels/ aborts the process.
#pragma once
#include <stdexcept>
#include <string>

namespace lookalike {

struct KernelError : std::runtime_error {
  std::string code;
  KernelError(std::string c, const std::string& message) : std::runtime_error(message), code(std::move(c)) {}
};

}  // namespace lookalike
