//===- KernelTemplates.h - instantiating the device library ----*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The interface between KernelToCuda (the EmitC entry of one kernel) and the
// per-op emitters in codegen/templates/, each of which knows one device
// library template's signature and grid contract (docs/kernels.md).
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_KERNELTEMPLATES_H
#define DS_CODEGEN_KERNELTEMPLATES_H

#include "codegen/KernelToCuda.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringSet.h"

#include <variant>

namespace ds::codegen {

/// The EmitC function of one kernel entry, being built: its buffers (the
/// launch's operands, then its results), T, and one call of a template.
class KernelEntry {
public:
  /// A template argument: a value of the entry, or a literal.
  using Arg = std::variant<mlir::Value, mlir::Attribute>;
  /// a·T + b.
  struct Extent {
    int64_t perToken;
    int64_t fixed;
  };

  KernelEntry(mlir::MLIRContext &context, const ds::EntryPoint &entry,
              const ds::Launch &launch);
  ~KernelEntry();

  const ds::Launch &launch() const { return Launch; }
  size_t numBuffers() const;
  /// Buffer `i`: operand i, or result i - #operands.
  const ds::Buffer &buffer(size_t i) const;
  /// Buffer `i` as a ds::gptr (const for operands).
  mlir::Value pointer(size_t i);
  /// T (int64_t).
  mlir::Value tokens();
  /// The sim's statistics counter (ds::simCounter: the buffer slot after
  /// the launch's buffers on the sim, the constant null under CUDA).
  mlir::Value simCounter();
  /// perToken·T + fixed, folded to a literal when static.
  Arg count(int64_t perToken, int64_t fixed);
  /// The element count of dims [from, to) as a·T + b.
  Arg count(const ds::Dims &dims, size_t from = 0, size_t to = SIZE_MAX);
  static Extent extent(const ds::Dims &dims, size_t from = 0,
                       size_t to = SIZE_MAX);

  /// The C++ spelling of an element type ("__nv_bfloat16").
  static std::string cType(ds::DType type);
  /// The dtype in kernel names ("bf16").
  static std::string typeTag(ds::DType type);
  mlir::Attribute type(ds::DType dtype);
  mlir::Attribute text(llvm::StringRef value);
  mlir::Attribute i32(int64_t value);
  mlir::Attribute i64(int64_t value);
  mlir::Attribute f32(double value);
  mlir::Attribute boolean(bool value);

  /// A name for a constant of this kernel's source ("<entry>_<suffix>"):
  /// unique when the sim compiles every kernel of a module in one unit.
  static std::string symbol(llvm::StringRef suffix);
  /// `v` as an exact C++ hex float literal ("0x1.8p+1f").
  static std::string hexFloat(float v);

  /// `#include "header"` (once).
  void include(llvm::StringRef header);
  /// Code before the entry (a constant table).
  void verbatim(llvm::StringRef code);
  /// callee<templateArgs...>(args...), including `header`.
  void call(llvm::StringRef header, llvm::StringRef callee,
            llvm::ArrayRef<mlir::Attribute> templateArgs,
            llvm::ArrayRef<Arg> args);
  /// `resultType v = callee(args...)`, the value v.
  mlir::Value callValue(llvm::StringRef callee, llvm::StringRef resultType,
                        llvm::ArrayRef<Arg> args);
  /// Closes the entry and prints it: `threads` per block, `grid` blocks.
  llvm::Expected<GeneratedKernel> finish(llvm::StringRef kind, int threads,
                                         std::array<ds::GridDim, 3> grid);

private:
  mlir::MLIRContext &Context;
  const ds::EntryPoint &Entry;
  const ds::Launch &Launch;
  mlir::OpBuilder Builder;
  mlir::Location Loc;
  mlir::OwningOpRef<mlir::ModuleOp> Module;
  mlir::Operation *FirstCode = nullptr; ///< the first verbatim table
  mlir::emitc::FuncOp Func;
  mlir::Value Args, Tokens;
  std::vector<mlir::Value> Pointers;
  llvm::StringSet<> Headers;
};

/// A grid dim of ceil((perToken·T + fixed) / divisor) blocks.
inline ds::GridDim gridDim(int64_t perToken, int64_t fixed,
                           int64_t divisor = 1) {
  return {perToken, fixed, divisor};
}

/// The error of a launch no template implements.
llvm::Error unsupported(const ds::Launch &launch, const llvm::Twine &why);

// One emitter per op kind (codegen/templates/<Op>Template.cpp).
llvm::Expected<GeneratedKernel> emitNorm(KernelEntry &k,
                                         const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitElementwise(KernelEntry &k,
                                                const ds::KernelConfig &config);
/// `variant` is the index of `config` in the launch's variants: its bucket
/// fixes the regime of an adaptive window (ds::variantWindow).
llvm::Expected<GeneratedKernel>
emitAttention(KernelEntry &k, const ds::KernelConfig &config, size_t variant);
llvm::Expected<GeneratedKernel> emitGemm(KernelEntry &k,
                                         const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitGroupedGemm(KernelEntry &k,
                                                const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitRope(KernelEntry &k,
                                         const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitRouter(KernelEntry &k,
                                           const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitDispatch(KernelEntry &k,
                                             const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitCombine(KernelEntry &k,
                                            const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitEmbedding(KernelEntry &k,
                                              const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitCopy(KernelEntry &k,
                                         const ds::KernelConfig &config);
llvm::Expected<GeneratedKernel> emitFill(KernelEntry &k,
                                         const ds::KernelConfig &config);

/// Threads per block from a config's warps (1 to 32 warps).
int threadsOf(const ds::KernelConfig &config);

} // namespace ds::codegen

#endif // DS_CODEGEN_KERNELTEMPLATES_H
