//===- ds/cpu/tensor_ops.h - data movement of the CPU reference -*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The reference of the tensor-level data-movement ops the importer emits
// between moe ops (tensor.extract_slice, concat, expand/collapse_shape, splat,
// empty, dim) and of dense constants. Every size, offset and stride comes from
// the caller (a dynamic `index` value of the IR is arbitrary): each is checked
// with overflow-checked arithmetic and the ceilings of ds/limits.h before any
// element is read or allocated, and a failure names the op, the operand or
// dim and the value. No MLIR, no exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CPU_TENSOR_OPS_H
#define DS_CPU_TENSOR_OPS_H

#include "ds/cpu/tensor.h"

#include <string_view>
#include <vector>

namespace ds::cpu {

/// The element count of `shape`, or an error naming `what` when a dim is
/// negative or the count exceeds kMaxTensorElements (overflow included).
Expected<int64_t> checkedNumElements(const Shape &shape, std::string_view what);

/// The bytes the reference holds for one element of `type` (float dtypes
/// are held as fp32: 4; integer dtypes as int64: 8).
int64_t heldElementBytes(DType type);

/// The bytes the reference holds for a tensor of `type` and `shape`, or an
/// error naming `what` (see checkedNumElements).
Expected<int64_t> heldBytes(DType type, const Shape &shape,
                            std::string_view what);
/// The bytes `t` holds.
int64_t heldBytes(const Tensor &t);

/// tensor.dim: the size of dim `index` of `t` (fails outside [0, rank)).
Expected<int64_t> dimSize(const Tensor &t, int64_t index);

/// tensor.extract_slice: `sizes[d]` elements of dim d starting at
/// `offsets[d]`, `strides[d]` apart; the dims in `droppedDims` (unit sizes of
/// a rank-reducing slice) are dropped from the result. Offsets must be
/// non-negative, sizes non-negative, strides positive, and the last element
/// `offset + (size - 1) * stride` inside the source dim.
Expected<Tensor> extractSlice(const Tensor &source, const Shape &offsets,
                              const Shape &sizes, const Shape &strides,
                              const std::vector<int64_t> &droppedDims = {});

/// tensor.insert_slice with unit strides: `dest[offsets + i] = source[i]`
/// for every index i of `source` (same dtype and rank; the box inside
/// `dest`). kernel.copy is extractSlice() of its source then insertSlice()
/// into its destination.
Status insertSlice(Tensor &dest, const Tensor &source, const Shape &offsets);

/// tensor.concat of `inputs` (one dtype and rank, equal in every dim but
/// `dim`) along `dim`.
Expected<Tensor> concat(const std::vector<const Tensor *> &inputs, int64_t dim);

/// tensor.expand_shape / reshape: the elements of `t` under `shape` (same
/// element count; dims non-negative).
Expected<Tensor> reshape(const Tensor &t, const Shape &shape);

/// tensor.collapse_shape: each group of consecutive dims of `t` (the
/// reassociation, covering every dim in order) becomes one dim.
Expected<Tensor> collapseShape(const Tensor &t,
                               const std::vector<std::vector<int64_t>> &groups);

/// tensor.splat / a splat constant: `shape` filled with `value`, rounded to
/// float dtype `type`. The element count is checked before allocating.
Expected<Tensor> splatFloat(DType type, const Shape &shape, double value);
/// The same for integer dtype `type`.
Expected<Tensor> splatInt(DType type, const Shape &shape, int64_t value);

/// tensor.empty: a tensor of `type` and `shape` (zeros).
Expected<Tensor> empty(DType type, const Shape &shape);

/// A dense constant: `values` (one per element of `shape`, row-major) rounded
/// to float dtype `type`.
Expected<Tensor> constantFloats(DType type, const Shape &shape,
                                std::vector<float> values);
/// The same for integer dtype `type`.
Expected<Tensor> constantInts(DType type, const Shape &shape,
                              std::vector<int64_t> values);

} // namespace ds::cpu

#endif // DS_CPU_TENSOR_OPS_H
