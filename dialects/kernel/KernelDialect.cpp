//===- KernelDialect.cpp - kernel dialect registration --------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelDialect.h"
#include "dialects/kernel/KernelAttrs.h"
#include "dialects/kernel/KernelOps.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace ds::kernel;

#include "dialects/kernel/KernelDialect.cpp.inc"

void KernelDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dialects/kernel/KernelOps.cpp.inc"
      >();
}

/// `kernel.target` is a non-empty string on a module; `kernel.plan` a
/// `#kernel.plan` on a function.
LogicalResult KernelDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  if (attr.getName() == getTargetAttrName()) {
    auto target = dyn_cast<StringAttr>(attr.getValue());
    if (!isa<ModuleOp>(op))
      return op->emitError("'")
             << getTargetAttrName() << "' belongs on a module";
    if (!target || target.getValue().empty())
      return op->emitError("'")
             << getTargetAttrName() << "' must be a non-empty string, got "
             << attr.getValue();
    return success();
  }
  if (attr.getName() == getPlanAttrName()) {
    if (!isa<FunctionOpInterface>(op))
      return op->emitError("'")
             << getPlanAttrName() << "' belongs on a function";
    if (!isa<PlanAttr>(attr.getValue()))
      return op->emitError("'")
             << getPlanAttrName() << "' must be a #kernel.plan, got "
             << attr.getValue();
    return success();
  }
  return op->emitError("unknown kernel dialect attribute '")
         << attr.getName().getValue() << "'";
}
