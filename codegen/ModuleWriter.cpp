//===- ModuleWriter.cpp - planned kernel IR to a .dsb module --------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "codegen/ModuleWriter.h"

#include "dialects/kernel/KernelDialect.h"
#include "dialects/kernel/KernelOps.h"
#include "dialects/kernel/KernelUtils.h"
#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeDialect.h"
#include "dialects/moe/MoeParameterTable.h"
#include "dialects/moe/MoePassRecord.h"
#include "dialects/moe/MoeStorageTypes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace ds::kernel;
namespace moe = ds::moe;

bool ds::codegen::isPlanned(ModuleOp module) {
  bool any = false, all = true;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    any = true;
    all &= func->hasAttr(KernelDialect::getPlanAttrName());
  }
  return any && all;
}

static std::string locationOf(Operation *op) {
  if (auto loc = dyn_cast<FileLineColLoc>(op->getLoc()))
    return (loc.getFilename().getValue() + ":" + Twine(loc.getLine()) + ":" +
            Twine(loc.getColumn()))
        .str();
  return "";
}

static ds::ElementwiseFn convert(ElementwiseFn fn) {
  switch (fn) {
  case ElementwiseFn::add:
    return ds::ElementwiseFn::Add;
  case ElementwiseFn::sub:
    return ds::ElementwiseFn::Sub;
  case ElementwiseFn::mul:
    return ds::ElementwiseFn::Mul;
  case ElementwiseFn::div:
    return ds::ElementwiseFn::Div;
  case ElementwiseFn::maximum:
    return ds::ElementwiseFn::Maximum;
  case ElementwiseFn::minimum:
    return ds::ElementwiseFn::Minimum;
  case ElementwiseFn::neg:
    return ds::ElementwiseFn::Neg;
  case ElementwiseFn::cast:
    return ds::ElementwiseFn::Cast;
  case ElementwiseFn::swiglu:
    return ds::ElementwiseFn::Swiglu;
  case ElementwiseFn::sigmoid_gate:
    return ds::ElementwiseFn::SigmoidGate;
  }
  llvm_unreachable("unknown elementwise fn");
}

static std::optional<ds::Quant> quantOf(moe::QuantAttr attr) {
  if (!attr)
    return std::nullopt;
  return moe::toQuant(attr);
}

/// The attributes of a launch as the runtime reads them.
static ds::OpAttrs attrsOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, ds::OpAttrs>(op)
      .Case([](GemmOp g) {
        ArrayRef<int64_t> split = g.getEpilogue().getSplit();
        return ds::GemmAttrs{quantOf(g.getQuantAttr()),
                             g.getEpilogue().getBias(),
                             g.getEpilogue().getSwiglu(),
                             {split.begin(), split.end()}};
      })
      .Case([](GroupedGemmOp g) {
        return ds::GroupedGemmAttrs{quantOf(g.getQuantAttr()), g.isSwiGLU()};
      })
      .Case([](AttentionOp a) {
        return ds::AttentionAttrs{
            a.getScale().convertToDouble(), moe::toWindow(a.getWindow()),
            static_cast<bool>(a.getSharedKey()), a.getBlockSparse()};
      })
      .Case([](NormOp n) {
        return ds::NormAttrs{n.getEps().convertToDouble(),
                             static_cast<bool>(n.getResidual())};
      })
      .Case([](RopeOp r) {
        return ds::RopeAttrs{
            r.getTheta().convertToDouble(), moe::fromMoe(r.getStyle()),
            r.getScalingAttr() ? std::optional(moe::toYarn(r.getScalingAttr()))
                               : std::nullopt};
      })
      .Case([](RouterOp r) {
        return ds::RouterAttrs{moe::toRouter(r.getRouting()),
                               static_cast<bool>(r.getBias())};
      })
      .Case([](DispatchOp d) { return ds::DispatchAttrs{d.getNumExperts()}; })
      .Case([](CombineOp) { return ds::CombineAttrs{}; })
      .Case([](ElementwiseOp e) {
        return ds::ElementwiseAttrs{convert(e.getFn())};
      })
      .Case([](EmbeddingOp) { return ds::EmbeddingAttrs{}; })
      .Case([](CopyOp c) {
        ds::CopyAttrs attrs;
        attrs.srcOffsets.assign(c.getSrcOffsets().begin(),
                                c.getSrcOffsets().end());
        attrs.srcStrides.assign(c.getSrcStrides().begin(),
                                c.getSrcStrides().end());
        int64_t scale = getTokenScale(c.getSrc()).value_or(1);
        for (int64_t size : c.getSizes())
          attrs.sizes.push_back(ShapedType::isDynamic(size)
                                    ? ds::Dim::tokens(scale)
                                    : ds::Dim::fixed(size));
        attrs.dstOffsets.assign(c.getDstOffsets().begin(),
                                c.getDstOffsets().end());
        return attrs;
      })
      .Case([](FillOp f) {
        return ds::FillAttrs{f.getValue().convertToDouble()};
      });
}

namespace {
/// Builds one entry point from a planned function.
struct EntryBuilder {
  explicit EntryBuilder(const llvm::StringMap<uint32_t> &parameters)
      : parameters(parameters) {}

  const llvm::StringMap<uint32_t> &parameters;
  ds::EntryPoint entry;
  std::vector<Operation *> launchOps;
  DenseMap<Value, uint32_t> buffers;

  /// A new buffer for `v` of `kind`; fails (located at `at`) when its
  /// element type has no dtype.
  FailureOr<ds::Buffer *> add(Value v, ds::BufferKind kind, std::string name,
                              Operation *at) {
    auto type = dyn_cast<MemRefType>(v.getType());
    std::optional<ds::DType> dtype =
        type ? moe::dtypeOf(type.getElementType()) : std::nullopt;
    if (!dtype) {
      InFlightDiagnostic diag = at ? at->emitError() : emitError(v.getLoc());
      diag << "cannot write a module: " << v.getType()
           << " is not a memref of a checkpoint dtype";
      return failure();
    }
    ds::Buffer buffer;
    buffer.name = std::move(name);
    buffer.dtype = *dtype;
    buffer.kind = kind;
    int64_t scale = getTokenScale(v).value_or(1);
    for (int64_t d : type.getShape())
      buffer.dims.push_back(ShapedType::isDynamic(d) ? ds::Dim::tokens(scale)
                                                     : ds::Dim::fixed(d));
    buffers[v] = entry.buffers.size();
    entry.buffers.push_back(std::move(buffer));
    return &entry.buffers.back();
  }

  FailureOr<uint32_t> indexOf(Value v, Operation *user) {
    auto it = buffers.find(v);
    if (it != buffers.end())
      return it->second;
    return user->emitError() << "cannot write a module: an operand is not a "
                                "kernel buffer, weight, view or argument";
  }

  LogicalResult build(func::FuncOp func) {
    entry.name = func.getName().str();
    entry.kind = ds::EntryKind::Stateless;
    auto plan = func->getAttrOfType<PlanAttr>(KernelDialect::getPlanAttrName());
    if (!plan)
      return func.emitError() << "cannot write a module: @" << func.getName()
                              << " has no buffer plan (run "
                                 "kernel-plan-buffers or ds-compile)";
    entry.plan.maxTokens = plan.getMaxTokens();
    entry.plan.peakBytes = plan.getPeakBytes();
    entry.plan.naiveBytes = plan.getNaiveBytes();
    // kernel-plan-buffers keeps both parts of every offset multiples of 16
    // bytes (docs/compile-path.md §3): aligned for every T.
    entry.plan.alignment = 16;

    for (BlockArgument arg : func.getArguments()) {
      std::string name = moe::portName(func.getArgAttrDict(arg.getArgNumber()),
                                       "arg", arg.getArgNumber());
      FailureOr<ds::Buffer *> buffer =
          add(arg, ds::BufferKind::Input, name, func);
      if (failed(buffer))
        return failure();
      (*buffer)->input = entry.inputs.size();
      entry.inputs.push_back({name, buffers[arg]});
    }

    unsigned arena = 0, views = 0;
    for (Operation &op : func.getBody().front()) {
      if (auto buffer = dyn_cast<BufferOp>(op)) {
        std::optional<ArrayRef<int64_t>> offset = buffer.getOffset();
        if (!offset || offset->size() != 2)
          return buffer.emitError() << "cannot write a module: the buffer has "
                                       "no planned offset";
        FailureOr<ds::Buffer *> b =
            add(buffer.getResult(), ds::BufferKind::Arena,
                "buffer" + std::to_string(arena++), &op);
        if (failed(b))
          return failure();
        (*b)->offsetPerToken = (*offset)[0];
        (*b)->offsetFixed = (*offset)[1];
      } else if (auto weight = dyn_cast<WeightOp>(op)) {
        auto it = parameters.find(weight.getParameter());
        if (it == parameters.end())
          return weight.emitError()
                 << "cannot write a module: @" << weight.getParameter()
                 << " is not a parameter with a dtype";
        FailureOr<ds::Buffer *> b =
            add(weight.getResult(), ds::BufferKind::Weight,
                "@" + weight.getParameter().str(), &op);
        if (failed(b))
          return failure();
        (*b)->parameter = it->second;
      } else if (auto view = dyn_cast<ViewOp>(op)) {
        FailureOr<uint32_t> source = indexOf(view.getSource(), &op);
        if (failed(source))
          return failure();
        FailureOr<ds::Buffer *> b = add(view.getResult(), ds::BufferKind::View,
                                        "view" + std::to_string(views++), &op);
        if (failed(b))
          return failure();
        (*b)->source = *source;
        unsigned bits =
            cast<MemRefType>(view.getType()).getElementTypeBitWidth();
        (*b)->viewOffset = view.getOffset() * bits / 8;
      } else if (auto launch = dyn_cast<LaunchOpInterface>(op)) {
        ds::Launch l;
        l.attrs = attrsOf(&op);
        l.location = locationOf(&op);
        for (Value v : launch.getIns()) {
          FailureOr<uint32_t> i = indexOf(v, &op);
          if (failed(i))
            return failure();
          l.operands.push_back(*i);
        }
        for (Value v : launch.getOuts()) {
          FailureOr<uint32_t> i = indexOf(v, &op);
          if (failed(i))
            return failure();
          l.results.push_back(*i);
        }
        if (ArrayAttr configs = launch.getConfigAttr())
          for (auto c : configs.getAsRange<ConfigAttr>()) {
            ds::Variant variant;
            variant.config.maxTokens = c.getMaxTokens();
            variant.config.variant = c.getVariant().str();
            variant.config.tile.assign(c.getTile().begin(), c.getTile().end());
            variant.config.stages = c.getStages();
            variant.config.warps = c.getWarps();
            variant.config.cluster.assign(c.getCluster().begin(),
                                          c.getCluster().end());
            l.variants.push_back(std::move(variant));
          }
        entry.program.push_back(std::move(l));
        launchOps.push_back(&op);
      } else if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
          FailureOr<uint32_t> b = indexOf(v, &op);
          if (failed(b))
            return failure();
          if (!ds::isOutputDType(entry.buffers[*b].dtype))
            return op.emitError()
                   << "cannot write a module: result " << i << " is "
                   << v.getType()
                   << "; an entry's outputs are float (f32, bf16, f16, f8) "
                      "or integer (up to i64, not i4) tensors";
          entry.outputs.push_back(
              {moe::portName(func.getResultAttrDict(i), "result", i), *b});
        }
      } else {
        return op.emitError() << "cannot write a module: '" << op.getName()
                              << "' is not kernel IR (run ds-compile first)";
      }
    }
    return success();
  }
};
} // namespace

FailureOr<ds::Module>
ds::codegen::buildModule(ModuleOp module,
                         std::vector<std::vector<Operation *>> *launchOps) {
  ds::Module out;
  out.producer = "ds-opt";
  auto target =
      module->getAttrOfType<StringAttr>(KernelDialect::getTargetAttrName());
  if (!target)
    return emitError(module.getLoc())
           << "cannot write a module: no kernel.target (run ds-compile)";
  out.target = target.str();
  if (auto config = module->getAttrOfType<DictionaryAttr>(
          moe::MoeDialect::getConfigAttrName()))
    if (auto type = config.getAs<StringAttr>("model_type"))
      out.model = type.str();
  if (out.model.empty() && module.getSymName())
    out.model = module.getSymName()->str();
  out.limits = moe::tokenLimits(module);
  FailureOr<std::vector<ds::PassRecord>> passes = moe::passRecords(module);
  if (failed(passes))
    return failure();
  out.passes = std::move(*passes);

  llvm::Expected<ds::ParameterTable> table = moe::parameterTable(module);
  if (!table)
    return emitError(module.getLoc())
           << "cannot write a module: " << llvm::toString(table.takeError());
  out.parameters = table->parameters();
  llvm::StringMap<uint32_t> parameters;
  for (auto [i, p] : llvm::enumerate(out.parameters))
    parameters[p.name] = i;

  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    EntryBuilder builder{parameters};
    if (failed(builder.build(func)))
      return failure();
    out.entries.push_back(std::move(builder.entry));
    if (launchOps)
      launchOps->push_back(std::move(builder.launchOps));
  }
  if (out.entries.empty())
    return emitError(module.getLoc())
           << "cannot write a module: no function to run";
  return out;
}

LogicalResult ds::codegen::writeModuleFile(ModuleOp module,
                                           llvm::StringRef path,
                                           const WriterOptions &options) {
  std::vector<std::vector<Operation *>> launchOps;
  FailureOr<ds::Module> built = buildModule(module, &launchOps);
  if (failed(built))
    return failure();
  if (options.kernels) {
    auto onError = [&](size_t entry, size_t launch, const std::string &what) {
      if (entry < launchOps.size() && launch < launchOps[entry].size())
        launchOps[entry][launch]->emitError()
            << "cannot compile the kernel: " << what;
      else
        emitError(module.getLoc()) << "cannot compile the kernels: " << what;
    };
    if (!addKernels(*module.getContext(), *built, options.kernelOptions,
                    onError, options.stats))
      return failure();
  }
  ds::Expected<std::vector<uint8_t>> bytes = ds::serializeModule(*built);
  if (!bytes)
    return emitError(module.getLoc())
           << "cannot write a module: " << bytes.message();
  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &message);
  if (!file)
    return emitError(module.getLoc())
           << "cannot write " << path << ": " << message;
  file->os().write(reinterpret_cast<const char *>(bytes->data()),
                   bytes->size());
  file->keep();
  return success();
}
