//===- KernelAttrs.cpp - kernel dialect attributes ------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelAttrs.h"
#include "dialects/kernel/KernelDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ds::kernel;

#include "dialects/kernel/KernelEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/kernel/KernelAttrs.cpp.inc"

void KernelDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/kernel/KernelAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ConfigAttr
//===----------------------------------------------------------------------===//

static LogicalResult
verifyPositive(function_ref<InFlightDiagnostic()> emitError, StringRef name,
               ArrayRef<int64_t> values) {
  if (values.empty())
    return emitError() << "config '" << name << "' must not be empty";
  for (auto [i, v] : llvm::enumerate(values))
    if (v < 1)
      return emitError() << "config '" << name << "' entries must be >= 1, "
                         << "got " << v << " at " << i;
  return success();
}

LogicalResult ConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t maxTokens, StringRef variant,
                                 ArrayRef<int64_t> tile, int64_t stages,
                                 int64_t warps, ArrayRef<int64_t> cluster) {
  if (maxTokens < 0)
    return emitError() << "config 'max_tokens' must be >= 0 (0: unbounded), "
                       << "got " << maxTokens;
  if (variant.empty())
    return emitError() << "config 'variant' must not be empty";
  if (failed(verifyPositive(emitError, "tile", tile)) ||
      failed(verifyPositive(emitError, "cluster", cluster)))
    return failure();
  if (stages < 1)
    return emitError() << "config 'stages' must be >= 1, got " << stages;
  if (warps < 1)
    return emitError() << "config 'warps' must be >= 1, got " << warps;
  return success();
}

//===----------------------------------------------------------------------===//
// PlanAttr
//===----------------------------------------------------------------------===//

LogicalResult PlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t maxTokens, int64_t peakBytes,
                               int64_t naiveBytes) {
  if (maxTokens < 1)
    return emitError() << "plan 'max_tokens' must be >= 1, got " << maxTokens;
  if (peakBytes < 0 || naiveBytes < 0)
    return emitError() << "plan byte counts must be >= 0, got peak "
                       << peakBytes << " and naive " << naiveBytes;
  if (peakBytes > naiveBytes)
    return emitError() << "plan 'peak_bytes' (" << peakBytes
                       << ") cannot exceed 'naive_bytes' (" << naiveBytes
                       << ")";
  return success();
}
