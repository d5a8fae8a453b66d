//===- MoePassRecord.h - what each pass did, kept in the module -*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The record of the model passes that ran on a module, in order, with a few
// statistics each: the module attribute
//
//   moe.passes = [{name = "moe-fuse-add-rms-norm",
//                  statistics = {"chains-fused" = 4 : i64}}]
//
// A pass that runs on a builtin.module appends its entry at the end of
// runOnOperation (recordPass); the `.dsb` writer copies the list into the
// module's `passes` (ds::PassRecord), which `ds-run --info` prints, and
// `moe-summary` prints it from the IR (both through ds::describePassRecord). A
// module attribute rather than MLIR's `Pass::Statistic`: those count only in
// builds with LLVM_ENABLE_STATS (not in release builds), live in the pass
// manager rather than the IR, and so do not survive `ds-opt -o x.mlir` followed
// by `ds-opt x.mlir -o x.dsb`.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEPASSRECORD_H
#define DS_DIALECTS_MOE_MOEPASSRECORD_H

#include "ds/module.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <utility>
#include <vector>

namespace ds::moe {

/// The name of the record attribute on the module.
inline constexpr llvm::StringLiteral kPassesAttrName = "moe.passes";

/// Appends `{name = pass, statistics = {...}}` to `moe.passes` of `op` when
/// `op` is a builtin.module; a pass nested under the module (which may not
/// touch it) records nothing. Statistic names are lowercase words joined by
/// `-`, read as "<value> <words>" ("4 chains fused").
void recordPass(mlir::Operation *op, llvm::StringRef pass,
                llvm::ArrayRef<std::pair<llvm::StringRef, int64_t>> statistics);

/// The records of `module` in order (none without the attribute); a located
/// error when the attribute is not the form above.
mlir::FailureOr<std::vector<ds::PassRecord>> passRecords(mlir::ModuleOp module);

} // namespace ds::moe

#endif // DS_DIALECTS_MOE_MOEPASSRECORD_H
