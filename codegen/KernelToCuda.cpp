//===- KernelToCuda.cpp - one CUDA C++ kernel per launch ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelToCuda.h"
#include "codegen/KernelTemplates.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/Cpp/CppEmitter.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace mlir;
using ds::codegen::GeneratedKernel;

namespace ds::codegen {

//===----------------------------------------------------------------------===//
// KernelEntry: the EmitC function of one kernel
//===----------------------------------------------------------------------===//

namespace {
/// The entry's name while it is built: the real name hashes the printed
/// entry, so it is substituted after printing.
constexpr llvm::StringLiteral kEntryToken = "ds_kernel_entry_name";
} // namespace

KernelEntry::KernelEntry(MLIRContext &context, const ds::EntryPoint &entry,
                         const ds::Launch &launch)
    : Context(context), Entry(entry), Launch(launch), Builder(&context),
      Loc(UnknownLoc::get(&context)) {
  context.getOrLoadDialect<emitc::EmitCDialect>();
  Module = ModuleOp::create(Loc);
  Builder.setInsertionPointToEnd(Module->getBody());
  Type argsType = emitc::OpaqueType::get(&context, "ds::KernelArgs");
  Func = emitc::FuncOp::create(Builder, Loc, kEntryToken,
                               Builder.getFunctionType({argsType}, {}));
  Block *body = Func.addEntryBlock();
  Builder.setInsertionPointToStart(body);
  Args = body->getArgument(0);
  include("codegen/cuda/ds_kernel.cuh");
}

KernelEntry::~KernelEntry() = default;

size_t KernelEntry::numBuffers() const {
  return Launch.operands.size() + Launch.results.size();
}

const ds::Buffer &KernelEntry::buffer(size_t i) const {
  uint32_t index = i < Launch.operands.size()
                       ? Launch.operands[i]
                       : Launch.results[i - Launch.operands.size()];
  return Entry.buffers[index];
}

std::string KernelEntry::cType(ds::DType type) {
  switch (type) {
  case ds::DType::F32:
    return "float";
  case ds::DType::BF16:
    return "__nv_bfloat16";
  case ds::DType::F16:
    return "__half";
  case ds::DType::I32:
    return "int";
  case ds::DType::I64:
    return "long long";
  case ds::DType::I8:
    return "signed char";
  case ds::DType::U8:
  case ds::DType::F8E4M3:
  case ds::DType::F8E5M2:
  case ds::DType::F8E8M0:
  case ds::DType::I4:
  case ds::DType::Bool:
    return "unsigned char";
  case ds::DType::I16:
    return "short";
  case ds::DType::U16:
    return "unsigned short";
  case ds::DType::U32:
    return "unsigned";
  case ds::DType::U64:
    return "unsigned long long";
  case ds::DType::F64:
    return "double";
  }
  return "unsigned char";
}

std::string KernelEntry::typeTag(ds::DType type) {
  return llvm::StringRef(ds::dtypeName(type)).lower();
}

std::string KernelEntry::symbol(llvm::StringRef suffix) {
  return (kEntryToken + "_" + suffix).str();
}

std::string KernelEntry::hexFloat(float v) {
  char text[48];
  std::snprintf(text, sizeof text, "%af", static_cast<double>(v));
  return text;
}

int threadsOf(const ds::KernelConfig &config) {
  return static_cast<int>(std::clamp<int64_t>(config.warps, 1, 32)) * 32;
}

Attribute KernelEntry::type(ds::DType dtype) {
  return emitc::OpaqueAttr::get(&Context, cType(dtype));
}

Attribute KernelEntry::text(llvm::StringRef value) {
  return emitc::OpaqueAttr::get(&Context, value);
}

Attribute KernelEntry::i32(int64_t value) {
  return Builder.getI32IntegerAttr(static_cast<int32_t>(value));
}

Attribute KernelEntry::i64(int64_t value) {
  return Builder.getI64IntegerAttr(value);
}

Attribute KernelEntry::f32(double value) {
  return Builder.getF32FloatAttr(static_cast<float>(value));
}

Attribute KernelEntry::boolean(bool value) {
  return text(value ? "true" : "false");
}

Value KernelEntry::pointer(size_t i) {
  if (Pointers.size() < numBuffers())
    Pointers.resize(numBuffers());
  if (Pointers[i])
    return Pointers[i];
  bool readOnly = i < Launch.operands.size();
  std::string element = cType(buffer(i).dtype);
  if (readOnly)
    element = "const " + element;
  Type type = emitc::OpaqueType::get(&Context, "ds::gptr<" + element + ">");
  auto call = emitc::CallOpaqueOp::create(
      Builder, Loc, TypeRange{type}, "ds::buffer", ValueRange{Args},
      Builder.getArrayAttr(
          {Builder.getIndexAttr(0), i32(static_cast<int64_t>(i))}),
      Builder.getArrayAttr({text(element)}));
  Pointers[i] = call.getResult(0);
  return Pointers[i];
}

Value KernelEntry::tokens() {
  if (Tokens)
    return Tokens;
  auto call =
      emitc::CallOpaqueOp::create(Builder, Loc, TypeRange{Builder.getI64Type()},
                                  "ds::tokens", ValueRange{Args});
  Tokens = call.getResult(0);
  return Tokens;
}

Value KernelEntry::simCounter() {
  Type type = emitc::OpaqueType::get(&Context, "ds::gptr<unsigned>");
  auto call = emitc::CallOpaqueOp::create(
      Builder, Loc, TypeRange{type}, "ds::simCounter", ValueRange{Args},
      Builder.getArrayAttr(
          {Builder.getIndexAttr(0), i32(static_cast<int64_t>(numBuffers()))}));
  return call.getResult(0);
}

KernelEntry::Arg KernelEntry::count(int64_t perToken, int64_t fixed) {
  if (perToken == 0)
    return i64(fixed);
  Type i64Type = Builder.getI64Type();
  Value value = tokens();
  if (perToken != 1) {
    Value scale = emitc::ConstantOp::create(
        Builder, Loc, i64Type, Builder.getI64IntegerAttr(perToken));
    value = emitc::MulOp::create(Builder, Loc, i64Type, value, scale);
  }
  if (fixed != 0) {
    Value offset = emitc::ConstantOp::create(Builder, Loc, i64Type,
                                             Builder.getI64IntegerAttr(fixed));
    value = emitc::AddOp::create(Builder, Loc, i64Type, value, offset);
  }
  return value;
}

KernelEntry::Arg KernelEntry::count(const ds::Dims &dims, size_t from,
                                    size_t to) {
  Extent n = extent(dims, from, to);
  return count(n.perToken, n.fixed);
}

KernelEntry::Extent KernelEntry::extent(const ds::Dims &dims, size_t from,
                                        size_t to) {
  bool dynamic = false;
  int64_t product = 1;
  for (size_t d = from; d < std::min(to, dims.size()); ++d) {
    if (dims[d].dynamic()) {
      dynamic = true;
      product *= dims[d].tokenScale;
    } else {
      product *= dims[d].size;
    }
  }
  if (dynamic)
    return {product, 0};
  return {0, product};
}

void KernelEntry::include(llvm::StringRef header) {
  if (!Headers.insert(header).second)
    return;
  // Every include before the first table and the entry.
  OpBuilder::InsertionGuard guard(Builder);
  Builder.setInsertionPoint(FirstCode ? FirstCode : Func.getOperation());
  emitc::IncludeOp::create(Builder, Loc, header, /*is_standard_include=*/false);
}

void KernelEntry::verbatim(llvm::StringRef code) {
  OpBuilder::InsertionGuard guard(Builder);
  Builder.setInsertionPoint(Func);
  auto op = emitc::VerbatimOp::create(Builder, Loc, code);
  if (!FirstCode)
    FirstCode = op;
}

namespace {
/// The operands and the `args` attribute of an emitc.call_opaque.
void splitArgs(OpBuilder &b, llvm::ArrayRef<KernelEntry::Arg> args,
               SmallVector<Value> &operands, SmallVector<Attribute> &attrs) {
  for (const KernelEntry::Arg &a : args) {
    if (const Value *v = std::get_if<Value>(&a)) {
      attrs.push_back(b.getIndexAttr(operands.size()));
      operands.push_back(*v);
    } else {
      attrs.push_back(std::get<Attribute>(a));
    }
  }
}
} // namespace

void KernelEntry::call(llvm::StringRef header, llvm::StringRef callee,
                       llvm::ArrayRef<Attribute> templateArgs,
                       llvm::ArrayRef<Arg> args) {
  include(header);
  SmallVector<Value> operands;
  SmallVector<Attribute> argAttrs;
  splitArgs(Builder, args, operands, argAttrs);
  emitc::CallOpaqueOp::create(Builder, Loc, TypeRange{}, callee, operands,
                              Builder.getArrayAttr(argAttrs),
                              Builder.getArrayAttr(templateArgs));
}

Value KernelEntry::callValue(llvm::StringRef callee, llvm::StringRef resultType,
                             llvm::ArrayRef<Arg> args) {
  SmallVector<Value> operands;
  SmallVector<Attribute> argAttrs;
  splitArgs(Builder, args, operands, argAttrs);
  Type type = emitc::OpaqueType::get(&Context, resultType);
  auto op = emitc::CallOpaqueOp::create(
      Builder, Loc, TypeRange{type}, callee, operands,
      Builder.getArrayAttr(argAttrs), ArrayAttr());
  return op.getResult(0);
}

llvm::Expected<GeneratedKernel>
KernelEntry::finish(llvm::StringRef kind, int threads,
                    std::array<ds::GridDim, 3> grid) {
  emitc::ReturnOp::create(Builder, Loc, Value());
  Func.setSpecifiersAttr(
      Builder.getStrArrayAttr({"extern \"C\" __global__ __launch_bounds__(" +
                               std::to_string(threads) + ")"}));
  {
    OpBuilder::InsertionGuard guard(Builder);
    Builder.setInsertionPointToEnd(Module->getBody());
    emitc::VerbatimOp::create(Builder, Loc,
                              ("DS_SIM_EXPORT(" + kEntryToken + ")").str());
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  if (failed(emitc::translateToCpp(*Module, os)))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "the C++ emitter rejected the kernel of '%s'",
        ds::opKindName(Launch.kind()));
  // The name is the kernel's content and launch geometry: equal launches
  // share one kernel (the same code over another grid is another kernel).
  std::string identity = text;
  for (const ds::GridDim &g : grid)
    identity += "\n// grid " + ds::formatGridDim(g);
  std::array<uint8_t, 32> hash = llvm::SHA256::hash(llvm::ArrayRef(
      reinterpret_cast<const uint8_t *>(identity.data()), identity.size()));
  std::string name = ("ds_" + kind + "_").str() +
                     llvm::toHex(llvm::ArrayRef(hash).take_front(6), true);
  GeneratedKernel out;
  out.name = name;
  out.block = {threads, 1, 1};
  out.grid = grid;
  llvm::StringRef rest = text;
  // No location in the source: equal launches, in this module or another,
  // have equal sources (one NVRTC compile, one cache entry).
  std::string source = "// Generated by ds (codegen/KernelToCuda.cpp): " +
                       std::string(ds::opKindName(Launch.kind())) + "\n";
  for (size_t at; (at = rest.find(kEntryToken)) != llvm::StringRef::npos;) {
    source += rest.take_front(at).str() + name;
    rest = rest.drop_front(at + kEntryToken.size());
  }
  source += rest.str();
  out.source = std::move(source);
  return out;
}

llvm::Error unsupported(const ds::Launch &launch, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 ("no kernel for " +
                                  llvm::Twine(ds::opKindName(launch.kind())) +
                                  ": " + why)
                                     .str());
}

} // namespace ds::codegen

llvm::Expected<GeneratedKernel>
ds::codegen::generateKernel(MLIRContext &context, const ds::EntryPoint &entry,
                            const ds::Launch &launch, size_t variant) {
  KernelEntry k(context, entry, launch);
  const ds::KernelConfig &config = launch.variants[variant].config;
  switch (launch.kind()) {
  case ds::OpKind::Norm:
    return emitNorm(k, config);
  case ds::OpKind::Elementwise:
    return emitElementwise(k, config);
  case ds::OpKind::Attention:
    return emitAttention(k, config, variant);
  case ds::OpKind::Gemm:
    return emitGemm(k, config);
  case ds::OpKind::GroupedGemm:
    return emitGroupedGemm(k, config);
  case ds::OpKind::Rope:
    return emitRope(k, config);
  case ds::OpKind::Router:
    return emitRouter(k, config);
  case ds::OpKind::Dispatch:
    return emitDispatch(k, config);
  case ds::OpKind::Combine:
    return emitCombine(k, config);
  case ds::OpKind::Embedding:
    return emitEmbedding(k, config);
  case ds::OpKind::Copy:
    return emitCopy(k, config);
  case ds::OpKind::Fill:
    return emitFill(k, config);
  }
  return unsupported(launch, "unknown op kind");
}
