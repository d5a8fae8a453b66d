//===- ds/binding.h - weight and input binding ------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Binding a model's parameters to a checkpoint and its entry's arguments to
// named inputs (design.md §3: one library shared by `ds-import
// --check-weights`, `ds-interp` and `ds-run`). The caller describes the
// model with plain tables (built from an MLIR module or from a compiled
// module); nothing here sees MLIR.
//
//  - Weights: a ParameterTable (name, checkpoint key, dtype, shape). A key
//    with a `*` is stacked: the parameter's leading dim is the number of
//    checkpoint tensors, key `*` replaced by 0, 1, ... — expanded here and
//    nowhere else. A parameter with `slices` reads only those entries of the
//    leading dim (the kept experts of moe-prune-experts): a stacked key the
//    tensors `*` = slices[0], slices[1], ...; a plain key those rows of its
//    one tensor, which may have more. checkWeights() lists missing, extra,
//    wrong-shape and wrong-dtype tensors; decodeParameter() reads one
//    parameter.
//  - Inputs: an EntrySignature (named inputs with dtype and shape, dynamic
//    dims allowed, and the token limits of the model). bindInputs() reads
//    them from a safetensors file, defaults `positions` to 0 .. T-1 and
//    checks the token count and the positions against the limits.
//
//===----------------------------------------------------------------------===//

#ifndef DS_BINDING_H
#define DS_BINDING_H

#include "ds/cpu/tensor.h"
#include "ds/dtype.h"
#include "ds/safetensors.h"
#include "ds/status.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ds {

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

/// One parameter of a model.
struct ParameterSpec {
  std::string name; ///< the parameter's own name (the MLIR symbol)
  std::string key;  ///< checkpoint key; `*` when stacked; empty: none
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// The leading-dim entries of the checkpoint data read, increasing, one
  /// per entry of shape[0]; empty: 0 .. shape[0]-1.
  std::vector<int64_t> slices;
  /// A parameter joined at load time from several checkpoint keys: `key`
  /// (part 0), then these (parts 1, ...), each with the same `*`-ness.
  std::vector<std::string> concatKeys;
  /// Every part's extent along the first dim of its checkpoint tensors, one
  /// per part (key's first): the parts are joined along shape[0], or
  /// shape[1] when stacked. Empty with concatKeys.
  std::vector<int64_t> concatRows;

  bool stacked() const { return key.find('*') != std::string::npos; }
  bool concatenated() const { return !concatKeys.empty(); }
};

/// One checkpoint tensor a parameter reads (a stacked parameter reads one
/// per slice of its leading dim).
struct CheckpointTensorSpec {
  std::string key;
  DType dtype = DType::F32;
  /// The shape; a leading kDynamicDim when only `rows` of the tensor are read
  /// (it needs more than rows.back() rows).
  std::vector<int64_t> shape;
  std::string parameter;     ///< the ParameterSpec's name
  int64_t slice = 0;         ///< the slice of a stacked parameter, else 0
  std::vector<int64_t> rows; ///< the rows read (a plain key's slices)

  /// Whether a checkpoint tensor of shape `have` is this one's.
  bool fits(const std::vector<int64_t> &have) const;
};

/// The most checkpoint tensors one model reads: 2^20. DeepSeek-V3 reads
/// about 10^5 (256 experts x 3 weights and their scales x 58 layers); the
/// bound keeps a module with huge stacked dims from making millions of keys.
inline constexpr int64_t kMaxCheckpointTensors = int64_t(1) << 20;

/// The parameters of a model, validated.
class ParameterTable {
public:
  /// Fails on a duplicate name, a stacked key with more than one `*` or on a
  /// rank-0 parameter, a negative dim or an element count above
  /// kMaxTensorElements, on slices that are not shape[0] increasing
  /// non-negative indices of a keyed parameter, on concat parts whose rows
  /// do not add up to the joined dim or whose keys differ from `key` in
  /// `*`-ness, and when the table would read more than
  /// kMaxCheckpointTensors checkpoint tensors, naming the parameter.
  static Expected<ParameterTable> create(std::vector<ParameterSpec> params);

  const std::vector<ParameterSpec> &parameters() const { return Params; }
  /// The parameter named `name`, or null.
  const ParameterSpec *find(std::string_view name) const;

  /// The checkpoint tensors of `param`, in slice order, each slice's parts
  /// in part order (none without a key).
  static std::vector<CheckpointTensorSpec>
  checkpointTensors(const ParameterSpec &param);
  /// Every checkpoint tensor the table reads, sorted by key, each key once
  /// (the last parameter naming a key wins).
  std::vector<CheckpointTensorSpec> checkpointTensors() const;

  /// The bytes of every parameter decoded as the CPU reference holds it
  /// (fp32 floats, int64 integers).
  int64_t decodedBytes() const { return DecodedBytes; }

private:
  std::vector<ParameterSpec> Params;
  std::map<std::string, size_t, std::less<>> ByName;
  int64_t DecodedBytes = 0;
};

/// A checkpoint tensor found with the wrong shape or dtype.
struct WeightMismatch {
  CheckpointTensorSpec expected;
  const TensorInfo *actual = nullptr;
  std::string file; ///< the file name (no directory) holding `actual`
};

/// A checkpoint tensor no parameter reads.
struct ExtraTensor {
  const TensorInfo *tensor = nullptr;
  std::string file;
};

/// checkWeights()'s comparison; every list sorted by key.
struct WeightReport {
  size_t expected = 0; ///< distinct checkpoint tensors the table reads
  size_t matched = 0;
  std::vector<CheckpointTensorSpec> missing;
  std::vector<ExtraTensor> extra;
  std::vector<WeightMismatch> wrongShape;
  std::vector<WeightMismatch> wrongDtype; ///< may repeat a wrongShape key

  bool ok() const {
    return missing.empty() && extra.empty() && wrongShape.empty() &&
           wrongDtype.empty();
  }
};

/// Compares every checkpoint tensor `table` reads with `checkpoint`.
WeightReport checkWeights(const ParameterTable &table,
                          const Checkpoint &checkpoint);

/// Reads and decodes `param` from `checkpoint` (a stacked parameter gathers
/// its slices). Fails naming the parameter and the tensor when one is
/// missing or of the wrong dtype or shape.
Expected<cpu::Tensor> decodeParameter(const ParameterSpec &param,
                                      const Checkpoint &checkpoint);

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

/// One argument of an entry function.
struct InputSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape; ///< kDynamicDim for a dynamic dim
  std::string typeText;       ///< how messages show the type ("tensor<?xi32>")
};

/// The token limits of a model; unset ones are not checked.
struct TokenLimits {
  /// The largest token count T (the leading dynamic dim of the first input).
  std::optional<int64_t> maxTokens;
  /// Where maxTokens comes from, for messages ("--max-tokens of the import").
  std::string maxTokensSource = "max_position_embeddings";
  /// Positions must lie in [0, maxPositions).
  std::optional<int64_t> maxPositions;
};

/// The arguments of an entry function.
struct EntrySignature {
  std::string function; ///< for messages ("forward")
  std::vector<InputSpec> inputs;
  TokenLimits limits;
};

/// Whether a tensor of `dtype` and `shape` is a value of `spec`.
bool matchesInput(const InputSpec &spec, DType dtype,
                  const std::vector<int64_t> &shape);

/// The token count T of `args` (bound to `signature`): the size of the
/// leading dim of the first input whose leading dim is dynamic; nullopt
/// when there is none.
std::optional<int64_t> tokenCount(const EntrySignature &signature,
                                  const std::vector<cpu::Tensor> &args);

/// Checks `args` against the limits of `signature`: T, every position in
/// [0, maxPositions) (any input named `positions`), no dynamic dim above
/// kMaxDimSize. The message names the input and the value.
Status checkInputs(const EntrySignature &signature,
                   const std::vector<cpu::Tensor> &args);

/// Reads one tensor per input of `signature` from `file` by name. A missing
/// rank-1 integer `positions` defaults to 0 .. T-1 when the first input has
/// rank 1 (a single sequence). Then checkInputs(). Messages start with the
/// file's path.
Expected<std::vector<cpu::Tensor>> bindInputs(const EntrySignature &signature,
                                              const SafetensorsFile &file);
/// The same over named tensors from elsewhere (the C API's inputs):
/// `tensors` play the file's tensors (name, dtype, shape, data, size; the
/// offset is unused) and messages start with `source`.
Expected<std::vector<cpu::Tensor>>
bindInputs(const EntrySignature &signature,
           const std::vector<TensorInfo> &tensors, std::string_view source);

} // namespace ds

#endif // DS_BINDING_H
