//===- safetensors_index.cpp - checkpoints of one file or many shards -----===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Checkpoint: one safetensors file, or the shards listed in a Hugging Face
// `model.safetensors.index.json`, checked against each other.
//
//===----------------------------------------------------------------------===//

#include "ds/safetensors.h"

#include "safetensors_common.h"

#include <cerrno>
#include <utility>

#include <sys/stat.h>

namespace ds {

using namespace safetensors_detail;

namespace {

/// The largest index file read (DeepSeek-V3's is about 9 MB).
constexpr uint64_t MaxIndexFileSize = 100000000;

std::string joinPath(const std::string &dir, const std::string &name) {
  if (dir.empty())
    return name;
  if (dir.back() == '/')
    return dir + name;
  return dir + "/" + name;
}

std::string dirName(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

} // namespace

Expected<Checkpoint> Checkpoint::open(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Status::error(path +
                         ": cannot open checkpoint: " + errnoText(errno));

  std::string filePath = path;
  if (S_ISDIR(st.st_mode)) {
    std::string single = joinPath(path, "model.safetensors");
    std::string index = joinPath(path, "model.safetensors.index.json");
    struct stat entry;
    if (::stat(single.c_str(), &entry) == 0)
      filePath = single;
    else if (::stat(index.c_str(), &entry) == 0)
      return openIndex(index);
    else
      return Status::error(path + ": checkpoint directory has neither "
                                  "model.safetensors nor "
                                  "model.safetensors.index.json");
  } else if (endsWith(path, ".json")) {
    return openIndex(path);
  }

  Expected<SafetensorsFile> file = SafetensorsFile::open(filePath);
  if (!file)
    return file.status();
  Checkpoint checkpoint;
  for (const TensorInfo &tensor : file->tensors())
    checkpoint.Owner.emplace(tensor.name, 0);
  checkpoint.Files.push_back(std::move(*file));
  return checkpoint;
}

Expected<Checkpoint> Checkpoint::openIndex(const std::string &indexPath) {
  auto fail = [&](const std::string &message) {
    return Status::error(indexPath + ": " + message);
  };

  Expected<std::vector<uint8_t>> bytes = readFile(indexPath, MaxIndexFileSize);
  if (!bytes)
    return bytes.status();
  Expected<Json> parsed =
      parseJson(bytes->data(), bytes->data() + bytes->size());
  if (!parsed)
    return fail(parsed.message());
  const auto *root = parsed->get_ptr<const Json::object_t *>();
  if (!root)
    return fail("index is not a JSON object (got " + describe(*parsed) + ")");

  Checkpoint checkpoint;
  checkpoint.IndexPath = indexPath;

  auto metadataIt = root->find("metadata");
  if (metadataIt != root->end()) {
    const auto *metadata = metadataIt->second.get_ptr<const Json::object_t *>();
    if (!metadata)
      return fail("field \"metadata\": expected an object, got " +
                  describe(metadataIt->second));
    for (const auto &[key, value] : *metadata) {
      const auto *text = value.get_ptr<const Json::string_t *>();
      checkpoint.IndexMetadata[key] = text ? *text : jsonText(value);
    }
  }

  auto mapIt = root->find("weight_map");
  if (mapIt == root->end())
    return fail("missing field \"weight_map\"");
  const auto *weightMap = mapIt->second.get_ptr<const Json::object_t *>();
  if (!weightMap)
    return fail("field \"weight_map\": expected an object mapping tensor "
                "names to shard files, got " +
                describe(mapIt->second));

  // Shard file name -> the tensors the weight_map assigns to it.
  std::map<std::string, std::vector<const std::string *>> shards;
  for (const auto &[tensor, value] : *weightMap) {
    const auto *shard = value.get_ptr<const Json::string_t *>();
    if (!shard)
      return fail("field \"weight_map\": tensor " + quote(tensor) +
                  ": expected a shard file name (string), got " +
                  describe(value));
    if (shard->empty() || *shard == "." || *shard == ".." ||
        shard->find('/') != std::string::npos ||
        shard->find('\0') != std::string::npos)
      return fail("field \"weight_map\": tensor " + quote(tensor) + ": shard " +
                  quote(*shard) +
                  " is not a plain file name in the index's directory");
    shards[*shard].push_back(&tensor);
  }

  std::string dir = dirName(indexPath);
  for (const auto &[shardName, tensors] : shards) {
    Expected<SafetensorsFile> shard =
        SafetensorsFile::open(joinPath(dir, shardName));
    if (!shard)
      return fail(cat("shard ", quote(shardName), " (listed for tensor ",
                      quote(*tensors.front()),
                      tensors.size() > 1
                          ? cat(" and ", tensors.size() - 1, " more")
                          : std::string(),
                      "): ", shard.message()));
    for (const std::string *tensor : tensors)
      if (!shard->find(*tensor))
        return fail("tensor " + quote(*tensor) +
                    " is mapped by the weight_map to shard " +
                    quote(shardName) + ", but that shard has no such tensor");
    for (const TensorInfo &tensor : shard->tensors()) {
      auto owner = weightMap->find(tensor.name);
      if (owner == weightMap->end())
        return fail("shard " + quote(shardName) + " has tensor " +
                    quote(tensor.name) + ", which is not in the weight_map");
      const std::string &mapped = *owner->second.get_ptr<const std::string *>();
      if (mapped != shardName)
        return fail("tensor " + quote(tensor.name) + " is stored in shard " +
                    quote(shardName) +
                    " as well, but the weight_map assigns it to shard " +
                    quote(mapped));
    }
    size_t fileIndex = checkpoint.Files.size();
    for (const std::string *tensor : tensors)
      checkpoint.Owner.emplace(*tensor, fileIndex);
    checkpoint.Files.push_back(std::move(*shard));
  }
  return checkpoint;
}

const TensorInfo *Checkpoint::find(std::string_view name) const {
  auto it = Owner.find(name);
  if (it == Owner.end())
    return nullptr;
  return Files[it->second].find(name);
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> result;
  result.reserve(Owner.size());
  for (const auto &item : Owner)
    result.push_back(item.first);
  return result;
}

} // namespace ds
