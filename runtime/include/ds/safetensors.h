//===- safetensors.h - safetensors checkpoint reader and writer -*- C++ -*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Reading (memory-mapped) and writing safetensors files, and opening Hugging
// Face checkpoints made of one file or of shards listed in a
// `model.safetensors.index.json`.
//
// File layout (models.md section 4.1):
//
//   bytes 0..7    N, u64 little-endian: the header length
//   bytes 8..8+N  UTF-8 JSON object, padded with spaces:
//                 { "__metadata__": {str: str, ...},     (optional)
//                   "<name>": {"dtype": "BF16", "shape": [d0, ...],
//                              "data_offsets": [begin, end]}, ... }
//   bytes 8+N..   the data buffer; offsets are relative to its start, end
//                 exclusive; little-endian, row-major, no strides.
//
// The reader rejects anything the reference `validate` rejects (header larger
// than 100,000,000 bytes, duplicate keys, size/shape mismatches, gaps,
// overlaps, trailing or missing data) plus malformed fields, unknown dtypes
// and the ds-internal "I4" dtype. Every failure message names the file, the
// tensor and field where there is one, and the offending value or offset.
//
// Tensor data is not necessarily aligned: read it with unaligned-safe loads
// (e.g. ds::decodeToFloat) or copy it.
//
//===----------------------------------------------------------------------===//

#ifndef DS_SAFETENSORS_H
#define DS_SAFETENSORS_H

#include "ds/dtype.h"
#include "ds/status.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ds {

/// The largest header length a reader accepts (as the reference does).
inline constexpr uint64_t MaxSafetensorsHeaderSize = 100000000;

/// One tensor of an open safetensors file. `data` points into the file's
/// memory mapping and stays valid as long as the SafetensorsFile (or the
/// Checkpoint holding it) lives, moves included.
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  /// Dimensions, outermost first; empty for a scalar.
  std::vector<int64_t> shape;
  /// Absolute offset of the first byte in the file (8 + N + begin).
  uint64_t offset = 0;
  /// Size in bytes (end - begin == numElements() * element size).
  uint64_t size = 0;
  /// The bytes [offset, offset + size) of the mapped file. Not necessarily
  /// aligned. Non-null even for empty tensors.
  const uint8_t *data = nullptr;

  /// Product of the dimensions (1 for a scalar). Validated not to overflow.
  uint64_t numElements() const;
};

/// A safetensors file opened read-only and memory-mapped, with a validated
/// header. Movable, not copyable; unmaps the file when destroyed.
class SafetensorsFile {
public:
  /// Opens, maps and validates `path`.
  static Expected<SafetensorsFile> open(std::string path);

  SafetensorsFile(SafetensorsFile &&other) noexcept;
  SafetensorsFile &operator=(SafetensorsFile &&other) noexcept;
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;
  ~SafetensorsFile();

  /// The path the file was opened with.
  const std::string &path() const { return Path; }
  /// Size of the whole file in bytes.
  uint64_t fileSize() const { return Size; }
  /// N, the header length in bytes (padding included).
  uint64_t headerSize() const { return HeaderSize; }
  /// Absolute file offset of the data buffer (8 + N).
  uint64_t dataStart() const { return 8 + HeaderSize; }

  /// All tensors, sorted by name (bytewise).
  const std::vector<TensorInfo> &tensors() const { return Tensors; }
  /// All tensor names, sorted.
  std::vector<std::string> names() const;
  /// The tensor called `name`, or null.
  const TensorInfo *find(std::string_view name) const;
  /// The "__metadata__" object (empty when absent).
  const std::map<std::string, std::string> &metadata() const {
    return Metadata;
  }

private:
  SafetensorsFile() = default;
  Status parseHeader();
  void unmap();

  std::string Path;
  const uint8_t *Map = nullptr;
  uint64_t Size = 0;
  uint64_t HeaderSize = 0;
  std::vector<TensorInfo> Tensors;
  std::map<std::string, std::string> Metadata;
};

/// A checkpoint: the tensors of one safetensors file, or of all shards listed
/// in a Hugging Face `*.safetensors.index.json`.
class Checkpoint {
public:
  /// Opens `path`, which is one of:
  ///  - a `.safetensors` file;
  ///  - an index file (name ending in ".json"): `{"metadata": {...},
  ///    "weight_map": {"<tensor>": "<shard file name>", ...}}`, shard names
  ///    relative to the index's directory;
  ///  - a directory holding `model.safetensors` (preferred, as transformers
  ///    does) or `model.safetensors.index.json`.
  /// For an index, every shard is opened once and must hold exactly the
  /// tensors the weight_map assigns to it.
  static Expected<Checkpoint> open(const std::string &path);

  /// The tensor called `name`, or null.
  const TensorInfo *find(std::string_view name) const;
  /// All tensor names, sorted.
  std::vector<std::string> names() const;
  /// Number of tensors.
  size_t size() const { return Owner.size(); }
  /// The open files: the single file, or the shards sorted by file name.
  const std::vector<SafetensorsFile> &files() const { return Files; }
  /// The index file, or empty when the checkpoint is a single file.
  const std::string &indexPath() const { return IndexPath; }
  /// The index's "metadata" object (empty for a single file). String values
  /// are kept as they are, other values as their JSON text (e.g. the number
  /// "total_size").
  const std::map<std::string, std::string> &indexMetadata() const {
    return IndexMetadata;
  }

private:
  Checkpoint() = default;
  static Expected<Checkpoint> openIndex(const std::string &indexPath);

  std::vector<SafetensorsFile> Files;
  /// Tensor name -> index into Files.
  std::map<std::string, size_t, std::less<>> Owner;
  std::string IndexPath;
  std::map<std::string, std::string> IndexMetadata;
};

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

/// One tensor to write. The data is not owned and must stay alive during the
/// call; it is `size` bytes, little-endian, row-major.
struct TensorToWrite {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const void *data = nullptr;
  uint64_t size = 0;
};

/// Writes a spec-conformant safetensors file to `path` (replacing it): header
/// padded with spaces to a multiple of 8, tensors sorted by name, contiguous
/// data offsets from 0. Fails, writing nothing, if a tensor is malformed
/// (I4 dtype, negative dimension, `size` not matching shape and dtype, null
/// data with a non-zero size), names repeat or are "__metadata__", or a
/// string is not valid UTF-8; on an I/O error the partial file is removed.
Status
writeSafetensors(const std::string &path,
                 const std::vector<TensorToWrite> &tensors,
                 const std::map<std::string, std::string> &metadata = {});

} // namespace ds

#endif // DS_SAFETENSORS_H
