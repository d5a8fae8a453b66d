//===- tensor_ops.cpp - data movement of the CPU reference ----------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/tensor_ops.h"

#include "ds/limits.h"

#include "detail.h"

#include <algorithm>

namespace ds::cpu {

Expected<int64_t> checkedNumElements(const Shape &shape,
                                     std::string_view what) {
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] < 0)
      return Status::error(cat(what, ": shape ", shapeToString(shape), ": dim ",
                               d, " is negative (", shape[d], ")"));
  std::optional<int64_t> n = checkedProduct(shape);
  if (!n)
    return Status::error(cat(what, ": shape ", shapeToString(shape),
                             " has more than ", kMaxTensorElements,
                             " elements (the limit of one tensor)"));
  return *n;
}

int64_t heldElementBytes(DType type) {
  return isComputeFloat(type) ? int64_t(sizeof(float)) : int64_t(8);
}

Expected<int64_t> heldBytes(DType type, const Shape &shape,
                            std::string_view what) {
  Expected<int64_t> n = checkedNumElements(shape, what);
  if (!n)
    return n.status();
  // Below 2^40 elements of at most 8 bytes: no overflow.
  return *n * heldElementBytes(type);
}

int64_t heldBytes(const Tensor &t) {
  return t.numel() * heldElementBytes(t.dtype());
}

Expected<int64_t> dimSize(const Tensor &t, int64_t index) {
  if (index < 0 || index >= t.rank())
    return Status::error(cat("tensor.dim: dim index ", index,
                             " is out of range for ", t.typeString()));
  return t.dim(index);
}

namespace {

/// The row-major strides of `shape` (whose element count is checked).
Shape rowMajorStrides(const Shape &shape) {
  Shape strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// A tensor of `source`'s dtype and `shape` (element count `n`, checked)
/// whose element j is `source[index(j)]`.
template <typename IndexFn>
Tensor gather(const Tensor &source, Shape shape, int64_t n, IndexFn index) {
  if (source.isFloat()) {
    std::vector<float> values(static_cast<size_t>(n));
    for (int64_t j = 0; j < n; ++j)
      values[j] = source.f()[index(j)];
    return Tensor::floats(source.dtype(), std::move(shape), std::move(values));
  }
  std::vector<int64_t> values(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j)
    values[j] = source.i()[index(j)];
  return Tensor::ints(source.dtype(), std::move(shape), std::move(values));
}

} // namespace

Status insertSlice(Tensor &dest, const Tensor &source, const Shape &offsets) {
  const char *op = "tensor.insert_slice";
  int64_t rank = dest.rank();
  if (source.dtype() != dest.dtype() || source.rank() != rank ||
      static_cast<int64_t>(offsets.size()) != rank)
    return Status::error(cat(op, ": cannot insert ", source.typeString(),
                             " into ", dest.typeString(), " at ",
                             offsets.size(), " offsets"));
  for (int64_t d = 0; d < rank; ++d) {
    std::optional<int64_t> end = checkedAdd(offsets[d], source.dim(d));
    if (offsets[d] < 0 || !end || *end > dest.dim(d))
      return Status::error(cat(op, ": dim ", d, " (offset ", offsets[d],
                               ", size ", source.dim(d), ") reaches outside ",
                               dest.typeString()));
  }
  int64_t n = source.numel();
  if (n == 0)
    return Status::success();
  Shape dstStrides = rowMajorStrides(dest.shape());
  int64_t base = 0;
  for (int64_t d = 0; d < rank; ++d)
    base += offsets[d] * dstStrides[d];
  // Row by row of the innermost dim.
  int64_t inner = rank ? source.dim(rank - 1) : 1;
  Shape index(static_cast<size_t>(rank), 0);
  for (int64_t j = 0; j < n; j += inner) {
    int64_t at = base;
    for (int64_t d = 0; d + 1 < rank; ++d)
      at += index[d] * dstStrides[d];
    if (source.isFloat())
      std::copy_n(source.f().begin() + j, inner, dest.f().begin() + at);
    else
      std::copy_n(source.i().begin() + j, inner, dest.i().begin() + at);
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++index[d] < source.dim(d))
        break;
      index[d] = 0;
    }
  }
  return Status::success();
}

Expected<Tensor> extractSlice(const Tensor &source, const Shape &offsets,
                              const Shape &sizes, const Shape &strides,
                              const std::vector<int64_t> &droppedDims) {
  const char *op = "tensor.extract_slice";
  int64_t rank = source.rank();
  if (static_cast<int64_t>(offsets.size()) != rank ||
      static_cast<int64_t>(sizes.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank)
    return Status::error(cat(op, ": ", offsets.size(), " offsets, ",
                             sizes.size(), " sizes and ", strides.size(),
                             " strides for source ", source.typeString()));
  for (int64_t d = 0; d < rank; ++d) {
    int64_t offset = offsets[d], size = sizes[d], stride = strides[d];
    auto bad = [&](const char *why) {
      return Status::error(cat(op, ": dim ", d, " (offset ", offset, ", size ",
                               size, ", stride ", stride, ") ", why,
                               " of source ", source.typeString()));
    };
    if (offset < 0)
      return bad("has a negative offset");
    if (size < 0)
      return bad("has a negative size");
    if (stride < 1)
      return bad("has a stride below 1");
    if (size == 0) {
      if (offset > source.dim(d))
        return bad("starts outside the size");
      continue;
    }
    // last = offset + (size - 1) * stride, overflow-checked.
    std::optional<int64_t> span = checkedMul(size - 1, stride);
    std::optional<int64_t> last =
        span ? checkedAdd(offset, *span) : std::nullopt;
    if (!last || *last >= source.dim(d))
      return bad("reaches outside the size");
  }
  // Every size is at most its source dim, so the count cannot exceed the
  // source's.
  Expected<int64_t> n = checkedNumElements(sizes, op);
  if (!n)
    return n.status();
  Shape resultShape;
  for (int64_t d = 0; d < rank; ++d) {
    bool dropped = std::find(droppedDims.begin(), droppedDims.end(), d) !=
                   droppedDims.end();
    if (dropped && sizes[d] != 1)
      return Status::error(
          cat(op, ": dropped dim ", d, " has size ", sizes[d], ", expected 1"));
    if (!dropped)
      resultShape.push_back(sizes[d]);
  }
  for (int64_t d : droppedDims)
    if (d < 0 || d >= rank)
      return Status::error(
          cat(op, ": dropped dim ", d, " is outside the rank ", rank));
  Shape srcStrides = rowMajorStrides(source.shape());
  Shape sliceStrides = rowMajorStrides(sizes);
  return gather(source, std::move(resultShape), *n, [&](int64_t j) {
    int64_t flat = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t i = (j / sliceStrides[d]) % sizes[d];
      flat += (offsets[d] + i * strides[d]) * srcStrides[d];
    }
    return flat;
  });
}

Expected<Tensor> concat(const std::vector<const Tensor *> &inputs,
                        int64_t dim) {
  const char *op = "tensor.concat";
  if (inputs.empty())
    return Status::error(cat(op, ": no operands"));
  const Tensor &first = *inputs.front();
  if (dim < 0 || dim >= first.rank())
    return Status::error(
        cat(op, ": dim ", dim, " is outside the rank of ", first.typeString()));
  Shape shape = first.shape();
  shape[dim] = 0;
  for (const Tensor *t : inputs) {
    if (t->dtype() != first.dtype() || t->rank() != first.rank())
      return Status::error(cat(op, ": operands ", first.typeString(), " and ",
                               t->typeString(), " differ in dtype or rank"));
    for (int64_t d = 0; d < t->rank(); ++d)
      if (d != dim && t->dim(d) != shape[d])
        return Status::error(cat(op, ": operands disagree in dim ", d, ": ",
                                 t->dim(d), " vs ", shape[d]));
    std::optional<int64_t> sum = checkedAdd(shape[dim], t->dim(dim));
    if (!sum)
      return Status::error(cat(op, ": dim ", dim, " overflows"));
    shape[dim] = *sum;
  }
  Expected<int64_t> n = checkedNumElements(shape, op);
  if (!n)
    return n.status();
  // Row-major: the result is `outer` blocks, each the concatenation of one
  // inner block (dims dim.. of each input).
  int64_t outer = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  std::vector<float> floats;
  std::vector<int64_t> ints;
  if (first.isFloat())
    floats.reserve(static_cast<size_t>(*n));
  else
    ints.reserve(static_cast<size_t>(*n));
  for (int64_t o = 0; o < outer; ++o) {
    for (const Tensor *t : inputs) {
      int64_t block = t->numel() / std::max<int64_t>(outer, 1);
      if (first.isFloat())
        floats.insert(floats.end(), t->f().begin() + o * block,
                      t->f().begin() + (o + 1) * block);
      else
        ints.insert(ints.end(), t->i().begin() + o * block,
                    t->i().begin() + (o + 1) * block);
    }
  }
  return first.isFloat()
             ? Tensor::floats(first.dtype(), shape, std::move(floats))
             : Tensor::ints(first.dtype(), shape, std::move(ints));
}

Expected<Tensor> reshape(const Tensor &t, const Shape &shape) {
  Expected<int64_t> n =
      checkedNumElements(shape, cat("reshape of ", t.typeString()));
  if (!n)
    return n.status();
  return t.reshaped(shape);
}

Expected<Tensor>
collapseShape(const Tensor &t,
              const std::vector<std::vector<int64_t>> &groups) {
  const char *op = "tensor.collapse_shape";
  Shape shape;
  int64_t next = 0;
  for (const std::vector<int64_t> &group : groups) {
    int64_t size = 1;
    for (int64_t d : group) {
      if (d != next || d >= t.rank())
        return Status::error(cat(op,
                                 ": reassociation does not cover the dims "
                                 "of ",
                                 t.typeString(), " in order (dim ", d, ")"));
      ++next;
      // Dims of an existing tensor: the product is at most its numel.
      size *= t.dim(d);
    }
    shape.push_back(size);
  }
  if (next != t.rank())
    return Status::error(cat(op, ": reassociation covers ", next, " of the ",
                             t.rank(), " dims of ", t.typeString()));
  return t.reshaped(std::move(shape));
}

Expected<Tensor> splatFloat(DType type, const Shape &shape, double value) {
  if (!isComputeFloat(type))
    return Status::error(
        cat("splat: ", dtypeName(type), " is not a float dtype"));
  Expected<int64_t> n =
      checkedNumElements(shape, cat("splat of ", dtypeName(type)));
  if (!n)
    return n.status();
  return Tensor::floats(
      type, shape,
      std::vector<float>(static_cast<size_t>(*n), static_cast<float>(value)));
}

Expected<Tensor> splatInt(DType type, const Shape &shape, int64_t value) {
  if (!isIntegerDType(type))
    return Status::error(
        cat("splat: ", dtypeName(type), " is not an integer dtype"));
  Expected<int64_t> n =
      checkedNumElements(shape, cat("splat of ", dtypeName(type)));
  if (!n)
    return n.status();
  return Tensor::ints(type, shape,
                      std::vector<int64_t>(static_cast<size_t>(*n), value));
}

Expected<Tensor> empty(DType type, const Shape &shape) {
  if (isComputeFloat(type))
    return splatFloat(type, shape, 0.0);
  if (isIntegerDType(type))
    return splatInt(type, shape, 0);
  return Status::error(
      cat("tensor.empty: unsupported dtype ", dtypeName(type)));
}

/// Fails unless `count` values fill a constant of `type` and `shape`.
static Status checkValueCount(DType type, const Shape &shape, size_t count) {
  Expected<int64_t> n =
      checkedNumElements(shape, cat("constant of ", dtypeName(type)));
  if (!n)
    return n.status();
  if (static_cast<int64_t>(count) != *n)
    return Status::error(cat("constant of ", dtypeName(type),
                             shapeToString(shape), ": ", count, " values for ",
                             *n, " elements"));
  return Status::success();
}

Expected<Tensor> constantFloats(DType type, const Shape &shape,
                                std::vector<float> values) {
  if (!isComputeFloat(type))
    return Status::error(
        cat("constant: ", dtypeName(type), " is not a float dtype"));
  if (Status counted = checkValueCount(type, shape, values.size());
      !counted.ok())
    return counted;
  return Tensor::floats(type, shape, std::move(values));
}

Expected<Tensor> constantInts(DType type, const Shape &shape,
                              std::vector<int64_t> values) {
  if (!isIntegerDType(type))
    return Status::error(
        cat("constant: ", dtypeName(type), " is not an integer dtype"));
  if (Status counted = checkValueCount(type, shape, values.size());
      !counted.ok())
    return counted;
  return Tensor::ints(type, shape, std::move(values));
}

} // namespace ds::cpu
