//===- weight_binding.cpp - parameters against a checkpoint ---------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/binding.h"

#include "ds/cpu/tensor_ops.h"
#include "ds/limits.h"

#include <algorithm>

namespace ds {

namespace {

std::string fileName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The slices of `p` are shape[0] increasing non-negative entries of a keyed
/// parameter.
Status checkSlices(const ParameterSpec &p, const std::string &what) {
  if (p.slices.empty())
    return Status::success();
  if (p.key.empty())
    return Status::error(what + ": slices need a checkpoint key");
  if (p.shape.empty() ||
      static_cast<int64_t>(p.slices.size()) != p.shape.front())
    return Status::error(cat(what, ": ", p.slices.size(),
                             " slices for a leading dim of ",
                             p.shape.empty() ? 0 : p.shape.front()));
  for (size_t i = 0; i < p.slices.size(); ++i)
    if (p.slices[i] < 0 || p.slices[i] >= kMaxDimSize ||
        (i > 0 && p.slices[i] <= p.slices[i - 1]))
      return Status::error(cat(what, ": slices[", i, "] = ", p.slices[i],
                               ": slices must be increasing indices in [0, ",
                               kMaxDimSize, ")"));
  return Status::success();
}

/// The concat parts of `p` name keys like `key` and add up to the joined dim.
Status checkConcat(const ParameterSpec &p, const std::string &what) {
  if (p.concatKeys.empty() && p.concatRows.empty())
    return Status::success();
  if (p.key.empty())
    return Status::error(what + ": concat parts need a checkpoint key");
  if (p.concatRows.size() != p.concatKeys.size() + 1)
    return Status::error(cat(what, ": ", p.concatKeys.size() + 1,
                             " concat parts but ", p.concatRows.size(),
                             " concat rows"));
  for (const std::string &key : p.concatKeys)
    if (key.empty() || (key.find('*') != std::string::npos) != p.stacked() ||
        std::count(key.begin(), key.end(), '*') > 1)
      return Status::error(what + ": concat key '" + key + "' must be " +
                           (p.stacked() ? "stacked like '" : "plain like '") +
                           p.key + "'");
  size_t dim = p.stacked() ? 1 : 0;
  if (p.shape.size() <= dim)
    return Status::error(
        cat(what, ": a concatenated parameter needs a dim ", dim, " to join"));
  if (!p.slices.empty() && !p.stacked())
    return Status::error(what + ": slices of a plain key cannot be combined "
                                "with concat parts");
  int64_t sum = 0;
  for (size_t i = 0; i < p.concatRows.size(); ++i) {
    if (p.concatRows[i] < 1 || p.concatRows[i] > kMaxDimSize)
      return Status::error(cat(what, ": concat rows[", i,
                               "] = ", p.concatRows[i], " is not in [1, ",
                               kMaxDimSize, "]"));
    sum += p.concatRows[i]; // at most 2^24 parts of at most 2^24 rows
  }
  if (sum != p.shape[dim])
    return Status::error(cat(what, ": concat rows add up to ", sum,
                             ", but dim ", dim, " is ", p.shape[dim]));
  return Status::success();
}

/// Key `key` with its `*` replaced by `index` (unchanged when plain).
std::string sliceKey(const std::string &key, int64_t index) {
  size_t star = key.find('*');
  if (star == std::string::npos)
    return key;
  return key.substr(0, star) + std::to_string(index) + key.substr(star + 1);
}

} // namespace

bool CheckpointTensorSpec::fits(const std::vector<int64_t> &have) const {
  if (rows.empty() || shape.empty())
    return have == shape;
  return have.size() == shape.size() && have.front() > rows.back() &&
         std::equal(shape.begin() + 1, shape.end(), have.begin() + 1);
}

Expected<ParameterTable>
ParameterTable::create(std::vector<ParameterSpec> params) {
  ParameterTable table;
  int64_t tensors = 0; // the checkpoint tensors read, bounded
  for (size_t i = 0; i < params.size(); ++i) {
    const ParameterSpec &p = params[i];
    std::string what = "parameter '" + p.name + "'";
    if (!table.ByName.emplace(p.name, i).second)
      return Status::error(what + " is defined twice");
    Expected<int64_t> bytes =
        cpu::heldBytes(p.dtype, p.shape, what + " " + dtypeName(p.dtype));
    if (!bytes)
      return bytes.status();
    std::optional<int64_t> total = checkedAdd(table.DecodedBytes, *bytes);
    if (!total)
      return Status::error(what + ": the parameters' bytes overflow");
    table.DecodedBytes = *total;
    if (Status s = checkSlices(p, what); !s.ok())
      return s;
    if (Status s = checkConcat(p, what); !s.ok())
      return s;
    if (p.stacked()) {
      if (std::count(p.key.begin(), p.key.end(), '*') != 1)
        return Status::error(what + ": stacked key '" + p.key +
                             "' has more than one '*'");
      if (p.shape.empty())
        return Status::error(what + ": stacked key '" + p.key +
                             "' needs a leading dim, the shape is []");
      if (p.shape.front() > kMaxDimSize)
        return Status::error(what + ": stacked key '" + p.key + "' has " +
                             std::to_string(p.shape.front()) +
                             " slices, more than " +
                             std::to_string(kMaxDimSize));
    }
    if (!p.key.empty()) {
      int64_t parts = 1 + static_cast<int64_t>(p.concatKeys.size());
      tensors += (p.stacked() ? p.shape.front() : 1) * parts;
      if (tensors > kMaxCheckpointTensors)
        return Status::error(
            what + ": the model reads more than " +
            std::to_string(kMaxCheckpointTensors) +
            " checkpoint tensors (its stacked dims and concat parts)");
    }
  }
  table.Params = std::move(params);
  return table;
}

const ParameterSpec *ParameterTable::find(std::string_view name) const {
  auto it = ByName.find(name);
  return it == ByName.end() ? nullptr : &Params[it->second];
}

std::vector<CheckpointTensorSpec>
ParameterTable::checkpointTensors(const ParameterSpec &param) {
  std::vector<CheckpointTensorSpec> tensors;
  if (param.key.empty())
    return tensors;
  if (param.concatenated()) {
    std::vector<std::string> keys{param.key};
    keys.insert(keys.end(), param.concatKeys.begin(), param.concatKeys.end());
    bool stacked = param.stacked();
    int64_t slices = stacked ? param.shape.front() : 1;
    for (int64_t i = 0; i < slices; ++i)
      for (size_t part = 0; part < keys.size(); ++part) {
        CheckpointTensorSpec t;
        int64_t index = param.slices.empty() ? i : param.slices[i];
        t.key = sliceKey(keys[part], index);
        t.dtype = param.dtype;
        t.shape.assign(param.shape.begin() + (stacked ? 1 : 0),
                       param.shape.end());
        t.shape.front() = param.concatRows[part];
        t.parameter = param.name;
        t.slice = i;
        tensors.push_back(std::move(t));
      }
    return tensors;
  }
  if (!param.stacked() || param.shape.empty()) {
    tensors.push_back({param.key, param.dtype, param.shape, param.name, 0, {}});
    if (!param.slices.empty()) { // some rows of one tensor
      tensors.back().shape.front() = kDynamicDim;
      tensors.back().rows = param.slices;
    }
    return tensors;
  }
  std::vector<int64_t> slice(param.shape.begin() + 1, param.shape.end());
  for (int64_t i = 0; i < param.shape.front(); ++i) {
    CheckpointTensorSpec t;
    t.key = sliceKey(param.key, param.slices.empty() ? i : param.slices[i]);
    t.dtype = param.dtype;
    t.shape = slice;
    t.parameter = param.name;
    t.slice = i;
    tensors.push_back(std::move(t));
  }
  return tensors;
}

std::vector<CheckpointTensorSpec> ParameterTable::checkpointTensors() const {
  std::map<std::string, CheckpointTensorSpec> byKey;
  for (const ParameterSpec &param : Params)
    for (CheckpointTensorSpec &t : checkpointTensors(param)) {
      std::string key = t.key;
      byKey.insert_or_assign(std::move(key), std::move(t));
    }
  std::vector<CheckpointTensorSpec> tensors;
  tensors.reserve(byKey.size());
  for (auto &entry : byKey)
    tensors.push_back(std::move(entry.second));
  return tensors;
}

WeightReport checkWeights(const ParameterTable &table,
                          const Checkpoint &checkpoint) {
  std::map<std::string, std::string> fileOf;
  for (const SafetensorsFile &file : checkpoint.files())
    for (const TensorInfo &tensor : file.tensors())
      fileOf[tensor.name] = fileName(file.path());

  WeightReport report;
  std::vector<CheckpointTensorSpec> wanted = table.checkpointTensors();
  report.expected = wanted.size();
  std::map<std::string_view, bool> isWanted;
  for (const CheckpointTensorSpec &want : wanted) {
    isWanted[want.key] = true;
    const TensorInfo *have = checkpoint.find(want.key);
    if (!have) {
      report.missing.push_back(want);
      continue;
    }
    bool good = true;
    if (!want.fits(have->shape)) {
      report.wrongShape.push_back({want, have, fileOf[want.key]});
      good = false;
    }
    if (have->dtype != want.dtype) {
      report.wrongDtype.push_back({want, have, fileOf[want.key]});
      good = false;
    }
    report.matched += good;
  }
  for (const std::string &name : checkpoint.names())
    if (!isWanted.count(name))
      report.extra.push_back({checkpoint.find(name), fileOf[name]});
  return report;
}

Expected<cpu::Tensor> decodeParameter(const ParameterSpec &param,
                                      const Checkpoint &checkpoint) {
  std::string what = "parameter @" + param.name;
  if (param.key.empty())
    return Status::error(what + " has no checkpoint key");
  std::vector<CheckpointTensorSpec> tensors =
      ParameterTable::checkpointTensors(param);
  // One tensor decodes in place from the mapped file; stacked slices and
  // concat parts are gathered into one buffer first (row-major: the parts of
  // each slice follow each other along its first dim).
  bool gather = param.stacked() || param.concatenated();
  std::vector<uint8_t> gathered;
  const TensorInfo *info = nullptr;
  for (const CheckpointTensorSpec &want : tensors) {
    info = checkpoint.find(want.key);
    if (!info)
      return Status::error(what + ": tensor '" + want.key +
                           "' is missing from the checkpoint");
    if (info->dtype != want.dtype || !want.fits(info->shape))
      return Status::error(
          what + ": tensor '" + want.key + "' is " + dtypeName(info->dtype) +
          cpu::shapeToString(info->shape) + ", expected " +
          dtypeName(want.dtype) + cpu::shapeToString(want.shape));
    if (gather)
      gathered.insert(gathered.end(), info->data, info->data + info->size);
  }
  bool someRows = !gather && !param.slices.empty();
  if (someRows) {
    // Rows of whole bytes: every dtype but the packed sub-byte ones.
    size_t rows = static_cast<size_t>(info->shape.front());
    if (info->size % rows != 0)
      return Status::error(what + ": tensor '" + param.key +
                           "': its rows are not whole bytes");
    size_t rowBytes = info->size / rows;
    for (int64_t r : param.slices)
      gathered.insert(gathered.end(), info->data + r * rowBytes,
                      info->data + (r + 1) * rowBytes);
  }
  // A stacked parameter of zero slices decodes from no bytes.
  bool copied = gather || someRows;
  const uint8_t *data = copied ? gathered.data() : info->data;
  size_t size = copied ? gathered.size() : info->size;
  Expected<cpu::Tensor> tensor =
      cpu::Tensor::decode(param.dtype, param.shape, data, size);
  if (!tensor)
    return tensor.status().withContext(what);
  return tensor;
}

} // namespace ds
