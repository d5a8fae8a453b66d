//===- ds/module.h - a compiled module, in memory ---------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The `.dsb` module (design.md §6, docs/compile-path.md §4) as plain C++
// values: what the compiler's writer (codegen/) fills and serializes, and what
// the loader returns after verifying the flatbuffer and every cross-reference.
// The one mapping between these structs and the schema
// (runtime/schema/module.fbs) lives in runtime/lib/module_*.cpp; nothing else
// sees the generated flatbuffers code. No MLIR, no exceptions.
//
// Operand order of a launch, per op kind (absent optionals are left out; the
// attributes say which are present):
//
//   Gemm         a [m·T, K], w [N, K], scales (if quant), bias [N] (if bias)
//                -> c [m·T, N] (c [m·T, N/2] if swiglu)
//   GroupedGemm  rows [R, K], w [E, N, K], offsets [E + 1], scales (if quant)
//                -> c [R, N] (c [R, N/2] if swiglu)
//   Attention    q [T, H, dq], k [S, Hkv, dk], v [S, Hkv, dv],
//                sharedKey [S, dr] (if sharedKey) -> o [T, H, dv]; S >= T
//                (queries at the end of the keys; S = T from the importer)
//   Norm         x, residual (if residual), weight [D] -> y, sum (if residual)
//   Rope         x [T, heads, d], positions [T] -> y
//   Router       x [T, H], gate [E, H], bias [E] (if bias)
//                -> weights [T, K], indices [T, K]
//   Dispatch     x [T, H], indices [T, K] -> rows [K·T, H], perm [K·T],
//                offsets [E + 1]
//   Combine      rows [K·T, H], perm [K·T], weights [T, K] -> y [T, H]
//   Elementwise  one operand (Neg, Cast) or two -> y
//   Embedding    table [V, H], ids [T] -> y [T, H]
//   Copy         src -> dst (a box of src into a box of dst)
//   Fill         -> dst
//
//===----------------------------------------------------------------------===//

#ifndef DS_MODULE_H
#define DS_MODULE_H

#include "ds/binding.h"
#include "ds/dtype.h"
#include "ds/op_attrs.h"
#include "ds/status.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ds {

/// The flatbuffers file identifier of a `.dsb` and the format version this
/// runtime reads and the compiler writes.
inline constexpr char kModuleIdentifier[] = "DSB1";
inline constexpr uint32_t kModuleFormatVersion = 1;
/// The load-time transforms of a parameter. "slices": `args` are the
/// leading-dim entries of the checkpoint data it reads (ParameterSpec::slices).
/// "concat": `keys` are the parts after the key, `args` every part's rows
/// (ParameterSpec::concatKeys, concatRows).
inline constexpr const char *kSlicesTransform = "slices";
inline constexpr const char *kConcatTransform = "concat";

/// A dim of a buffer: static, or a multiple of the entry's token count T.
struct Dim {
  int64_t size = 0;       ///< the static size (tokenScale == 0)
  int64_t tokenScale = 0; ///< > 0: the dim is tokenScale · T

  static Dim fixed(int64_t size) { return {size, 0}; }
  static Dim tokens(int64_t scale = 1) { return {0, scale}; }
  bool dynamic() const { return tokenScale != 0; }
  /// The size at token count `tokens` (unchecked; the verifier bounds it).
  int64_t at(int64_t tokens) const {
    return dynamic() ? tokenScale * tokens : size;
  }
  bool operator==(const Dim &o) const {
    return size == o.size && tokenScale == o.tokenScale;
  }
  bool operator!=(const Dim &o) const { return !(*this == o); }
};
using Dims = std::vector<Dim>;

/// The shape of `dims` at token count `tokens`.
std::vector<int64_t> resolveDims(const Dims &dims, int64_t tokens);
/// The shape with kDynamicDim for each dynamic dim (for messages and input
/// signatures).
std::vector<int64_t> symbolicShape(const Dims &dims);

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

enum class BufferKind : uint8_t {
  Arena,  ///< a slot of the session's arena
  Weight, ///< a parameter
  View,   ///< the bytes of another buffer under another shape
  Input,  ///< an entry input (bound by a Port; outside the arena)
};

struct Buffer {
  std::string name; ///< for messages and timings ("%12", "x")
  DType dtype = DType::F32;
  Dims dims;
  BufferKind kind = BufferKind::Arena;
  /// Arena: the byte offset offsetPerToken · T + offsetFixed.
  int64_t offsetPerToken = 0;
  int64_t offsetFixed = 0;
  /// Weight: the index of its parameter.
  uint32_t parameter = 0;
  /// View: the source buffer (an earlier entry of the list) and the byte
  /// offset into it (static).
  uint32_t source = 0;
  int64_t viewOffset = 0;
  /// Input: the index of its entry input.
  uint32_t input = 0;
};

/// The bytes a buffer of `dtype` and `dims` takes at `tokens` (I4 packs two
/// elements per byte), or an error naming `what` when a size overflows.
Expected<int64_t> bufferBytes(DType dtype, const Dims &dims, int64_t tokens,
                              std::string_view what);

//===----------------------------------------------------------------------===//
// Launches
//===----------------------------------------------------------------------===//

enum class OpKind : uint8_t {
  Gemm,
  GroupedGemm,
  Attention,
  Norm,
  Rope,
  Router,
  Dispatch,
  Combine,
  Elementwise,
  Embedding,
  Copy,
  Fill,
};
/// "gemm", "grouped_gemm", ... (the kernel dialect's op names without
/// `kernel.`).
const char *opKindName(OpKind kind);

enum class ElementwiseFn : uint8_t {
  Add,
  Sub,
  Mul,
  Div,
  Maximum,
  Minimum,
  Neg,
  Cast,
  Swiglu,      ///< silu(a) * b (moe.swiglu)
  SigmoidGate, ///< a * sigmoid(b [T, 1]) (moe.sigmoid_gate)
};
const char *elementwiseFnName(ElementwiseFn fn);
/// The operand count of `fn` (1 for Neg and Cast, else 2).
int elementwiseArity(ElementwiseFn fn);

struct GemmAttrs {
  /// The most results a split GEMM has (the out pointers of gemm.cuh's
  /// split epilogue).
  static constexpr size_t kMaxSplit = 4;
  std::optional<Quant> quant;
  bool bias = false;
  /// w is gate rows then up rows [2·I, K]; c is their SwiGLU [m·T, I].
  bool swiglu = false;
  /// Empty, or the rows of w (and bias) of each result, in order (two to
  /// kMaxSplit positive sizes summing to N; with quant all but the last a
  /// multiple of the block's rows): result i is c_i [m·T, split[i]], the
  /// columns of a·wᵀ that segment's rows produce. Not with swiglu.
  std::vector<int64_t> split;
};
struct GroupedGemmAttrs {
  std::optional<Quant> quant;
  /// w is [E, 2·I, K] (gate rows then up rows); c is [R, I].
  bool swiglu = false;
};
struct AttentionAttrs {
  double scale = 1.0;
  Window window;
  bool sharedKey = false;
  /// The kernel's tile schedule: only the KV tiles holding a visible key
  /// (moe-attention-block-sparsity), else every causal tile with the window
  /// masked per element. The same numbers; the cpu backend ignores it.
  bool blockSparse = false;
};
struct NormAttrs {
  double eps = 1e-6;
  bool residual = false;
};
struct RopeAttrs {
  double theta = 10000.0;
  RopeStyle style = RopeStyle::HalfSplit;
  std::optional<Yarn> yarn;
};
struct RouterAttrs {
  RouterConfig config;
  bool bias = false;
};
struct DispatchAttrs {
  int64_t numExperts = 0;
};
struct CombineAttrs {};
struct ElementwiseAttrs {
  ElementwiseFn fn = ElementwiseFn::Add;
};
struct EmbeddingAttrs {};
/// dst[dstOffsets + i] = src[srcOffsets + i * srcStrides] for every index i
/// of the box `sizes` (a dynamic size spans the operand's whole dynamic dim).
struct CopyAttrs {
  std::vector<int64_t> srcOffsets;
  std::vector<int64_t> srcStrides;
  Dims sizes;
  std::vector<int64_t> dstOffsets;
};
struct FillAttrs {
  double value = 0.0;
};

/// The attributes of a launch; the alternative's index is its OpKind.
using OpAttrs =
    std::variant<GemmAttrs, GroupedGemmAttrs, AttentionAttrs, NormAttrs,
                 RopeAttrs, RouterAttrs, DispatchAttrs, CombineAttrs,
                 ElementwiseAttrs, EmbeddingAttrs, CopyAttrs, FillAttrs>;

/// A tile configuration for one shape bucket (docs/compile-path.md §2).
struct KernelConfig {
  int64_t maxTokens = 0; ///< the bucket's upper bound on T; 0: unbounded
  std::string variant;
  std::vector<int64_t> tile;
  int64_t stages = 1;
  int64_t warps = 4;
  std::vector<int64_t> cluster;
};

/// One variant of a launch: used when T <= config.maxTokens (the first that
/// fits, in order; the last has maxTokens 0).
struct Variant {
  KernelConfig config;
  int32_t kernel = -1; ///< index into Module::kernels; -1: none compiled
};

struct Launch {
  OpAttrs attrs;
  std::vector<uint32_t> operands; ///< buffer indices of the entry
  std::vector<uint32_t> results;  ///< buffer indices of the entry
  std::vector<Variant> variants;  ///< empty: no config selected
  std::string location;           ///< "model.mlir:12:5" or empty

  OpKind kind() const { return static_cast<OpKind>(attrs.index()); }
};

/// The token counts of variant `variant` of `launch`: T in [first, last],
/// last 0 for the unbounded bucket.
struct VariantTokens {
  int64_t first = 1;
  int64_t last = 0;
};
VariantTokens variantTokens(const Launch &launch, size_t variant);

/// The window variant `variant` of attention launch `launch` runs, `keys` the
/// dim 0 of its key operand: the launch's window resolved (Window::resolve)
/// for the keys of the variant's token counts, the one regime of an adaptive
/// window there. The variant string may name it after a ':'
/// ("mma_sync_fa:sliding", kernel-select-configs). An error when the
/// threshold falls inside the bucket (two regimes) or the string names
/// another regime; the message starts with "variants[i]".
Expected<Window> variantWindow(const Launch &launch, const Dim &keys,
                               size_t variant);

//===----------------------------------------------------------------------===//
// Entry points, kernels, the module
//===----------------------------------------------------------------------===//

enum class EntryKind : uint8_t {
  Stateless, ///< every call independent (prefill without a cache)
};

struct Port {
  std::string name;
  uint32_t buffer = 0; ///< the buffer holding it (an Input buffer for inputs)
};

struct Plan {
  int64_t maxTokens = 0;  ///< the T the plan was sized for
  int64_t peakBytes = 0;  ///< the arena at maxTokens
  int64_t naiveBytes = 0; ///< the sum of all arena buffers at maxTokens
  int64_t alignment = 256;
};

struct EntryPoint {
  std::string name;
  EntryKind kind = EntryKind::Stateless;
  std::vector<Port> inputs;
  std::vector<Port> outputs;
  std::vector<Buffer> buffers;
  std::vector<Launch> program;
  Plan plan;
};

struct PtxasReport {
  int64_t registers = 0;
  int64_t spillStores = 0;
  int64_t spillLoads = 0;
  int64_t stackBytes = 0;
  std::string log;
  int64_t sharedBytes = 0; ///< static shared memory per CTA
};

/// A grid dim as a function of the token count T: ceil((perToken · T +
/// fixed) / divisor) blocks; 0 blocks skips the launch.
struct GridDim {
  int64_t perToken = 0;
  int64_t fixed = 1;
  int64_t divisor = 1;
  /// The block count at `tokens` (unchecked; the verifier bounds the parts).
  int64_t at(int64_t tokens) const {
    return (perToken * tokens + fixed + divisor - 1) / divisor;
  }
};

/// "ceil((4*T + 3) / 128)", "8*T", "12": for messages and --info.
std::string formatGridDim(const GridDim &g);

/// The largest grid dim a kernel may ask for (CUDA's grid.x limit; y and z
/// are checked against 65535).
inline constexpr int64_t kMaxGridX = (int64_t(1) << 31) - 1;

/// A compiled kernel (design §6): one `extern "C" __global__` entry whose one
/// parameter is a ds::KernelArgs (codegen/cuda/ds_kernel.cuh): the launch's
/// buffers, operands then results, and the token count.
struct Kernel {
  std::string name;
  std::string entry; ///< the extern "C" __global__ function
  std::string source;
  std::vector<uint8_t> cubin;
  std::string ptx;
  std::array<int32_t, 3> block{1, 1, 1};
  int64_t sharedMemoryBytes = 0; ///< dynamic shared memory per CTA
  PtxasReport report;
  std::array<GridDim, 3> grid{};
  /// The grid at `tokens`.
  std::array<int64_t, 3> gridAt(int64_t tokens) const {
    return {grid[0].at(tokens), grid[1].at(tokens), grid[2].at(tokens)};
  }
};

/// A pass the compiler ran on the model and what it did: `value` things
/// `name` per statistic ("moe-fuse-add-rms-norm: 4 chains fused"). The
/// compiler's `moe.passes` module attribute; informational.
struct PassStatistic {
  std::string name;
  int64_t value = 0;
};

struct PassRecord {
  std::string name;
  std::vector<PassStatistic> statistics;
};

/// "moe-fuse-add-rms-norm: 4 chains fused" ("<name>: nothing to report"
/// without statistics): how ds-run --info and moe-summary print a record.
std::string describePassRecord(const PassRecord &record);

struct Module {
  uint32_t formatVersion = kModuleFormatVersion;
  std::string producer;
  std::string target;
  std::string model;
  TokenLimits limits;
  std::vector<ParameterSpec> parameters;
  std::vector<Kernel> kernels;
  std::vector<EntryPoint> entries;
  /// The passes that ran, in order (empty in a module written before the
  /// record existed).
  std::vector<PassRecord> passes;
};

/// The flatbuffer of `module`. Fails when `module` does not verify.
Expected<std::vector<uint8_t>> serializeModule(const Module &module);
/// The flatbuffer of `module` without verifying it first: for tests and
/// fuzz seeds that need the bytes of an invalid module.
std::vector<uint8_t> serializeModuleUnverified(const Module &module);

/// Verifies the flatbuffer in `data` (identifier, version, structure), reads
/// it and checks every cross-reference (verifyModule()). Messages name the
/// table, the index and the field.
Expected<Module> parseModule(const uint8_t *data, size_t size);
/// parseModule() of a file's bytes; messages start with the path.
Expected<Module> loadModuleFile(const std::string &path);

/// Every rule a module must meet before its first launch: indices in range,
/// operand and result counts and shapes per op kind, views inside their
/// sources, arena buffers inside the plan, ports against their buffers,
/// parameters valid (ParameterTable::create).
Status verifyModule(const Module &module);

/// Whether an entry's output may have `dtype`: a float type the reference
/// computes in, or an integer type of up to 64 bits (not I4, not U64). The
/// compiler's writer and the loader both ask this.
bool isOutputDType(DType dtype);

/// The input signature of `entry` for ds/binding.h (names, dtypes, shapes
/// with kDynamicDim) with the module's limits.
EntrySignature entrySignature(const Module &module, const EntryPoint &entry);

} // namespace ds

#endif // DS_MODULE_H
