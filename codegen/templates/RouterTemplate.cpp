//===- RouterTemplate.cpp - kernel.router -> router.cuh ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/router.cuh: scoring and top-k in one kernel, kTokens tokens
// per CTA (grid ceil(T / kTokens)), one thread per expert slot: kMaxExperts
// = E rounded up to a warp, kThreads = kMaxExperts (so each thread owns one
// expert's logit), kTokens = min(the config's rows, warps, 8). The routing
// config is a constant ds::RouterParams of the source.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

using namespace ds::codegen;

llvm::Expected<GeneratedKernel>
ds::codegen::emitRouter(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  const auto &attrs = std::get<ds::RouterAttrs>(launch.attrs);
  const ds::RouterConfig &rc = attrs.config;
  // x, gate, bias? -> weights, indices
  size_t x = 0, gate = 1, bias = 2;
  size_t weights = launch.operands.size(), indices = weights + 1;
  const ds::Dims &xd = k.buffer(x).dims, &gd = k.buffer(gate).dims;
  if (xd.size() != 2 || gd.size() != 2)
    return unsupported(launch, "x must be [T, H] and gate [E, H]");
  int64_t experts = gd[0].size, hidden = gd[1].size;
  int64_t maxExperts = (experts + 31) / 32 * 32;
  if (maxExperts > 256)
    return unsupported(launch, "more than 256 experts");
  int64_t threads = maxExperts;
  int64_t rows = config.tile.empty() ? 1 : config.tile[0];
  int64_t perCta =
      std::clamp<int64_t>(rows, 1, std::min<int64_t>(8, threads / 32));

  auto scoring = rc.scoring == ds::Scoring::Softmax
                     ? "ds::RouterScoring::Softmax"
                     : "ds::RouterScoring::Sigmoid";
  const char *selection = rc.selection == ds::Selection::Greedy
                              ? "ds::RouterSelection::Greedy"
                          : rc.selection == ds::Selection::GroupLimited
                              ? "ds::RouterSelection::GroupLimited"
                              : "ds::RouterSelection::NoauxTc";
  const char *fill = rc.groupFill == ds::GroupFill::NegInf
                         ? "ds::RouterGroupFill::NegInf"
                         : "ds::RouterGroupFill::Zero";
  std::string params = KernelEntry::symbol("routing");
  k.include("codegen/cuda/router.cuh");
  k.verbatim("DS_CONSTANT ds::RouterParams " + params + " = {" + scoring +
             ", " + selection + ", " + std::to_string(rc.topK) + ", " +
             std::to_string(rc.nGroup) + ", " + std::to_string(rc.topkGroup) +
             ", " + (rc.normTopkProb ? "true" : "false") + ", " +
             KernelEntry::hexFloat(static_cast<float>(rc.routedScalingFactor)) +
             ", " + fill + "};");
  ds::DType bt = attrs.bias ? k.buffer(bias).dtype : ds::DType::F32;
  KernelEntry::Extent tokens = KernelEntry::extent(xd, 0, 1);
  k.call("codegen/cuda/router.cuh", "ds::routerKernel",
         {k.type(k.buffer(x).dtype), k.type(k.buffer(gate).dtype),
          k.type(k.buffer(weights).dtype), k.i32(threads), k.i32(maxExperts),
          k.type(bt), k.i32(perCta)},
         {k.pointer(x), k.pointer(gate),
          attrs.bias ? KernelEntry::Arg(k.pointer(bias)) : k.text("nullptr"),
          k.pointer(weights), k.pointer(indices),
          k.count(tokens.perToken, tokens.fixed), k.i32(hidden), k.i32(experts),
          k.text(params)});
  return k.finish("router_" + KernelEntry::typeTag(k.buffer(x).dtype),
                  static_cast<int>(threads),
                  {gridDim(tokens.perToken, tokens.fixed, perCta),
                   gridDim(0, 1), gridDim(0, 1)});
}
