//===- MoeDialect.cpp - moe dialect registration --------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeDialect.h"
#include "dialects/moe/MoeAttrs.h"
#include "dialects/moe/MoeOps.h"

using namespace mlir;
using namespace ds::moe;

#include "dialects/moe/MoeDialect.cpp.inc"

void MoeDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dialects/moe/MoeOps.cpp.inc"
      >();
}
