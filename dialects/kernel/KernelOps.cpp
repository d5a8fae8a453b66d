//===- KernelOps.cpp - kernel op definitions ------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The ODS-generated op classes, the checks every launch op shares, the
// non-launch ops (buffer, weight, view) and the in-place pairs. The shape
// verifiers of the launch ops live in Kernel*Verify.cpp, by op family.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelOps.h"
#include "dialects/kernel/KernelUtils.h"
#include "dialects/moe/MoeOps.h"

#include "ds/limits.h"

#include "mlir/IR/OpImplementation.h"

#include <cstdint>

using namespace mlir;
using namespace ds::kernel;

/// `[?, 4, 16]`: a box's sizes, `?` spanning a whole dynamic dim.
static ParseResult parseBoxSizes(OpAsmParser &parser, DenseI64ArrayAttr &attr) {
  SmallVector<int64_t> sizes;
  if (parser.parseCommaSeparatedList(
          OpAsmParser::Delimiter::Square, [&]() -> ParseResult {
            if (succeeded(parser.parseOptionalQuestion())) {
              sizes.push_back(ShapedType::kDynamic);
              return success();
            }
            return parser.parseInteger(sizes.emplace_back());
          }))
    return failure();
  attr = DenseI64ArrayAttr::get(parser.getContext(), sizes);
  return success();
}

static void printBoxSizes(OpAsmPrinter &printer, Operation *,
                          DenseI64ArrayAttr attr) {
  printer << "[";
  llvm::interleaveComma(attr.asArrayRef(), printer, [&](int64_t size) {
    if (ShapedType::isDynamic(size))
      printer << "?";
    else
      printer << size;
  });
  printer << "]";
}

#include "dialects/kernel/KernelInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/kernel/KernelOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Launch ops
//===----------------------------------------------------------------------===//

LogicalResult ds::kernel::detail::verifyLaunchOp(Operation *op) {
  auto launch = cast<LaunchOpInterface>(op);
  auto emit = [&] { return op->emitOpError(); };
  for (auto [i, v] : llvm::enumerate(launch.getIns()))
    if (failed(verifyKernelMemRef(emit, v.getType(), "in #" + Twine(i))))
      return failure();
  for (auto [i, v] : llvm::enumerate(launch.getOuts())) {
    if (failed(verifyKernelMemRef(emit, v.getType(), "out #" + Twine(i))))
      return failure();
    if (v.getDefiningOp<WeightOp>())
      return op->emitOpError("out #")
             << i << " is a weight, which launches only read";
  }
  if (op->getNumResults() != 0)
    return op->emitOpError("a launch has no results");
  ArrayAttr configs = launch.getConfigAttr();
  if (!configs)
    return success();
  if (configs.empty())
    return op->emitOpError("'config' must hold at least one #kernel.config");
  int64_t previous = 0;
  for (auto [i, attr] : llvm::enumerate(configs.getAsRange<ConfigAttr>())) {
    int64_t maxTokens = attr.getMaxTokens();
    bool last = i + 1 == configs.size();
    if (last && maxTokens != 0)
      return op->emitOpError("the last config must have max_tokens = 0 "
                             "(unbounded), got ")
             << maxTokens;
    if (!last && (maxTokens == 0 || maxTokens <= previous))
      return op->emitOpError("config max_tokens must increase strictly, with "
                             "0 (unbounded) only on the last; got ")
             << maxTokens << " at " << i;
    previous = maxTokens;
  }
  return success();
}

/// Fails unless the op has `ins` ins and `outs` outs; `layout` names them.
LogicalResult ds::kernel::detail::verifyOperandCounts(Operation *op,
                                                      unsigned ins,
                                                      unsigned outs,
                                                      StringRef layout) {
  auto launch = cast<LaunchOpInterface>(op);
  if (launch.getIns().size() == ins && launch.getOuts().size() == outs)
    return success();
  return op->emitOpError("expects ")
         << ins << " ins and " << outs << " outs (" << layout << "), got "
         << launch.getIns().size() << " and " << launch.getOuts().size();
}

int64_t DispatchOp::getNumExperts() {
  return cast<MemRefType>(getOffsets().getType()).getDimSize(0) - 1;
}

//===----------------------------------------------------------------------===//
// In-place pairs
//===----------------------------------------------------------------------===//

SmallVector<std::pair<unsigned, unsigned>> NormOp::getInPlacePairs() {
  if (!getResidual() || !getSum())
    return {};
  return {{1, 1}};
}

SmallVector<std::pair<unsigned, unsigned>> RopeOp::getInPlacePairs() {
  return {{0, 0}};
}

/// The bytes of `v` as a (per-token, fixed) pair, in bits.
static std::optional<std::pair<int64_t, int64_t>> bitsOf(Value v) {
  std::optional<ElementCount> count = getElementCount(v);
  auto type = dyn_cast<MemRefType>(v.getType());
  if (!count || !type || !type.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t width = type.getElementTypeBitWidth();
  return std::make_pair(count->perToken * width, count->fixed * width);
}

SmallVector<std::pair<unsigned, unsigned>> ElementwiseOp::getInPlacePairs() {
  SmallVector<std::pair<unsigned, unsigned>> pairs;
  std::optional<std::pair<int64_t, int64_t>> out = bitsOf(getY());
  if (!out)
    return pairs;
  for (auto [i, in] : llvm::enumerate(getIns()))
    if (bitsOf(in) == out)
      pairs.push_back({0, static_cast<unsigned>(i)});
  return pairs;
}

//===----------------------------------------------------------------------===//
// BufferOp
//===----------------------------------------------------------------------===//

LogicalResult BufferOp::verify() {
  auto type = cast<MemRefType>(getType());
  if (failed(verifyKernelMemRef([&] { return emitOpError(); }, type,
                                "buffer type")))
    return failure();
  bool hasTokens = getTokens().has_value();
  int64_t tokens = getTokens().value_or(0);
  if (type.hasStaticShape() && hasTokens)
    return emitOpError("a static buffer takes no 'tokens', got ") << tokens;
  if (!type.hasStaticShape() && !hasTokens)
    return emitOpError("a buffer with a dynamic dim needs 'tokens' (its size "
                       "as a multiple of T)");
  if (hasTokens && tokens < 1)
    return emitOpError("'tokens' must be >= 1, got ") << tokens;
  if (hasTokens && tokens > ds::kMaxDimSize)
    return emitOpError("'tokens' must be at most ")
           << ds::kMaxDimSize << ", got " << tokens;
  if (std::optional<ArrayRef<int64_t>> offset = getOffset()) {
    if (offset->size() != 2)
      return emitOpError("'offset' must be [per_token_bytes, fixed_bytes], "
                         "got ")
             << offset->size() << " entries";
    if ((*offset)[0] < 0 || (*offset)[1] < 0)
      return emitOpError("'offset' entries must be >= 0, got [")
             << (*offset)[0] << ", " << (*offset)[1] << "]";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// WeightOp
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verify() {
  auto type = cast<MemRefType>(getType());
  if (failed(verifyKernelMemRef([&] { return emitOpError(); }, type,
                                "weight type")))
    return failure();
  if (!type.hasStaticShape())
    return emitOpError("a weight has a static shape, got ") << type;
  return success();
}

LogicalResult WeightOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *symbol =
      symbolTable.lookupNearestSymbolFrom(*this, getParameterAttr());
  if (!symbol)
    return emitOpError("'")
           << getParameter() << "' does not reference a symbol";
  auto param = dyn_cast<ds::moe::ParameterOp>(symbol);
  if (!param)
    return emitOpError("'") << getParameter() << "' references '"
                            << symbol->getName() << "', not a 'moe.parameter'";
  auto type = cast<MemRefType>(getType());
  RankedTensorType paramType = param.getTensorType();
  if (type.getShape() != paramType.getShape() ||
      type.getElementType() != paramType.getElementType())
    return emitOpError("type ")
           << type << " does not match the type " << paramType
           << " of parameter '" << getParameter() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// ViewOp
//===----------------------------------------------------------------------===//

Value ViewOp::getViewSource() { return getSource(); }

LogicalResult ViewOp::verify() {
  auto source = cast<MemRefType>(getSource().getType());
  auto result = cast<MemRefType>(getType());
  auto emit = [&] { return emitOpError(); };
  if (failed(verifyKernelMemRef(emit, source, "source")) ||
      failed(verifyKernelMemRef(emit, result, "result")))
    return failure();
  if (source.getElementType() != result.getElementType())
    return emitOpError("result element type ")
           << result.getElementType() << " must be the source's "
           << source.getElementType();
  int64_t offset = getOffset();
  if (offset < 0)
    return emitOpError("offset must be >= 0, got ") << offset;
  std::optional<int64_t> sourceScale = getTokenScale(getSource());
  if (!sourceScale)
    return emitOpError("the token scale of the source is unknown");
  ElementCount src = getElementCount(source, *sourceScale);
  ElementCount res{0, 0};
  if (!result.hasStaticShape()) {
    if (*sourceScale == 0)
      return emitOpError("a view of a static source has a static shape, got ")
             << result;
    int64_t row = getElementCount(result, 1).perToken;
    if (row <= 0 || src.perToken % row != 0)
      return emitOpError("the source's ")
             << src.perToken << " elements per token are no whole number of "
             << "result rows of " << row << " elements";
    res = getElementCount(result, src.perToken / row);
  } else {
    res = getElementCount(result, 0);
  }
  if (res.perToken > src.perToken ||
      ds::checkedAdd(res.fixed, offset).value_or(INT64_MAX) > src.fixed)
    return emitOpError("result (")
           << res.perToken << "*T + " << res.fixed << " elements at offset "
           << offset << ") does not fit the source (" << src.perToken << "*T + "
           << src.fixed << " elements) for every T";
  return success();
}
