//===- input_binding.cpp - named inputs of an entry function --------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/binding.h"

#include "ds/limits.h"

namespace ds {

bool matchesInput(const InputSpec &spec, DType dtype,
                  const std::vector<int64_t> &shape) {
  if (spec.dtype != dtype || spec.shape.size() != shape.size())
    return false;
  for (size_t d = 0; d < shape.size(); ++d)
    if (spec.shape[d] != kDynamicDim && spec.shape[d] != shape[d])
      return false;
  return true;
}

std::optional<int64_t> tokenCount(const EntrySignature &signature,
                                  const std::vector<cpu::Tensor> &args) {
  for (size_t i = 0; i < signature.inputs.size() && i < args.size(); ++i) {
    const InputSpec &spec = signature.inputs[i];
    if (!spec.shape.empty() && spec.shape.front() == kDynamicDim &&
        args[i].rank() >= 1)
      return args[i].dim(0);
  }
  return std::nullopt;
}

Status checkInputs(const EntrySignature &signature,
                   const std::vector<cpu::Tensor> &args) {
  if (args.size() != signature.inputs.size())
    return Status::error("@" + signature.function + " takes " +
                         std::to_string(signature.inputs.size()) +
                         " inputs, got " + std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i) {
    const InputSpec &spec = signature.inputs[i];
    for (size_t d = 0; d < spec.shape.size(); ++d)
      if (spec.shape[d] == kDynamicDim &&
          args[i].dim(static_cast<int64_t>(d)) > kMaxDimSize)
        return Status::error(
            "input '" + spec.name + "': dim " + std::to_string(d) + " = " +
            std::to_string(args[i].dim(d)) + " is above the largest dim size " +
            std::to_string(kMaxDimSize));
  }
  const TokenLimits &limits = signature.limits;
  if (std::optional<int64_t> t = tokenCount(signature, args);
      t && limits.maxTokens && *t > *limits.maxTokens) {
    std::string name;
    for (size_t i = 0; i < args.size(); ++i)
      if (!signature.inputs[i].shape.empty() &&
          signature.inputs[i].shape.front() == kDynamicDim) {
        name = signature.inputs[i].name;
        break;
      }
    return Status::error("input '" + name + "': " + std::to_string(*t) +
                         " tokens, more than the " +
                         std::to_string(*limits.maxTokens) + " of " +
                         limits.maxTokensSource);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (signature.inputs[i].name != "positions" || args[i].isFloat())
      continue;
    const std::vector<int64_t> &positions = args[i].i();
    for (size_t j = 0; j < positions.size(); ++j) {
      int64_t p = positions[j];
      if (p < 0)
        return Status::error("input 'positions': element " + std::to_string(j) +
                             " = " + std::to_string(p) + " is negative");
      if (limits.maxPositions && p >= *limits.maxPositions)
        return Status::error("input 'positions': element " + std::to_string(j) +
                             " = " + std::to_string(p) + " is outside [0, " +
                             std::to_string(*limits.maxPositions) +
                             ") (max_position_embeddings of the model)");
    }
  }
  return Status::success();
}

Expected<std::vector<cpu::Tensor>> bindInputs(const EntrySignature &signature,
                                              const SafetensorsFile &file) {
  return bindInputs(signature, file.tensors(), file.path());
}

Expected<std::vector<cpu::Tensor>>
bindInputs(const EntrySignature &signature,
           const std::vector<TensorInfo> &tensors, std::string_view source) {
  auto error = [&](const std::string &message) {
    return Status::error(std::string(source) + ": " + message);
  };
  auto find = [&](const std::string &name) -> const TensorInfo * {
    for (const TensorInfo &t : tensors)
      if (t.name == name)
        return &t;
    return nullptr;
  };
  std::string of = " of @" + signature.function;
  std::vector<cpu::Tensor> args;
  for (size_t i = 0; i < signature.inputs.size(); ++i) {
    const InputSpec &spec = signature.inputs[i];
    std::string argument = "argument " + std::to_string(i) + of;
    const TensorInfo *info = find(spec.name);
    if (!info && spec.name == "positions" && isIntegerDType(spec.dtype) &&
        spec.shape.size() == 1 && !args.empty() && args.front().rank() == 1) {
      // Positions default to 0 .. T-1 for a single sequence.
      int64_t t = args.front().dim(0);
      std::vector<int64_t> positions(static_cast<size_t>(t));
      for (int64_t p = 0; p < t; ++p)
        positions[static_cast<size_t>(p)] = p;
      args.push_back(cpu::Tensor::ints(spec.dtype, {t}, std::move(positions)));
      continue;
    }
    if (!info)
      return error("no tensor '" + spec.name + "' for " + argument);
    if (!matchesInput(spec, info->dtype, info->shape))
      return error("tensor '" + spec.name + "' is " + dtypeName(info->dtype) +
                   cpu::shapeToString(info->shape) + ", " + argument + " is " +
                   spec.typeText);
    Expected<cpu::Tensor> tensor =
        cpu::Tensor::decode(info->dtype, info->shape, info->data, info->size);
    if (!tensor)
      return error("tensor '" + spec.name + "': " + tensor.message());
    args.push_back(std::move(tensor).value());
  }
  // Then a tensor that feeds nothing is a misspelt name (`position_ids` for
  // `positions` would silently fall back to the default positions).
  for (const TensorInfo &info : tensors) {
    bool known = false;
    for (const InputSpec &spec : signature.inputs)
      known |= spec.name == info.name;
    if (known)
      continue;
    std::string names;
    for (const InputSpec &spec : signature.inputs)
      names += (names.empty() ? "" : ", ") + spec.name;
    return error("tensor '" + info.name + "' is no input" + of +
                 " (its inputs: " + names + ")");
  }
  if (Status s = checkInputs(signature, args); !s.ok())
    return error(s.message());
  return args;
}

} // namespace ds
