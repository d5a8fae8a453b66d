//===- buffer_layout.h - where each buffer of an entry lives ---*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Internal to the runtime library: the root (a non-view buffer) of each
// buffer of an entry and the static byte offset of its view chain into it,
// which every backend resolves addresses from; and what the backends that
// launch kernels share about a launch (its variant at T, its name in
// messages).
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_LIB_BUFFER_LAYOUT_H
#define DS_RUNTIME_LIB_BUFFER_LAYOUT_H

#include "ds/module.h"
#include "ds/session.h"
#include "ds/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ds {

/// Where each buffer's bytes live: its root (a non-view buffer) and the
/// static byte offset of the view chain into it.
struct Layout {
  std::vector<uint32_t> root;
  std::vector<int64_t> offset;

  explicit Layout(const EntryPoint &e) {
    for (size_t i = 0; i < e.buffers.size(); ++i) {
      const Buffer &b = e.buffers[i];
      if (b.kind == BufferKind::View) {
        root.push_back(root[b.source]);
        offset.push_back(offset[b.source] + b.viewOffset);
      } else {
        root.push_back(static_cast<uint32_t>(i));
        offset.push_back(0);
      }
    }
  }

  /// The byte offset of buffer `b` into its root's storage at T (an arena
  /// root's storage is the arena).
  int64_t offsetAt(const EntryPoint &e, uint32_t b, int64_t tokens) const {
    const Buffer &r = e.buffers[root[b]];
    int64_t base = r.kind == BufferKind::Arena
                       ? r.offsetPerToken * tokens + r.offsetFixed
                       : 0;
    return base + offset[b];
  }
};

/// The variant of `launch` at T: the first whose bucket holds T; null when
/// none does (a launch without configs).
inline const Variant *variantAt(const Launch &launch, int64_t tokens) {
  for (const Variant &v : launch.variants)
    if (v.config.maxTokens == 0 || tokens <= v.config.maxTokens)
      return &v;
  return nullptr;
}

/// Output `port` of `e` at T, its bytes sized (zeros) for the backend to
/// copy the buffer's into; an error when the size overflows.
inline Expected<OutputTensor> outputFor(const EntryPoint &e, const Port &port,
                                        int64_t tokens) {
  const Buffer &buf = e.buffers[port.buffer];
  Expected<int64_t> size =
      bufferBytes(buf.dtype, buf.dims, tokens, cat("output '", port.name, "'"));
  if (!size)
    return size.status();
  return OutputTensor{port.name, buf.dtype, resolveDims(buf.dims, tokens),
                      std::vector<uint8_t>(static_cast<size_t>(*size))};
}

/// "launch #3 (gemm at model.mlir:4:5)", for messages.
inline std::string describeLaunch(const Launch &launch, size_t index) {
  return cat("launch #", index, " (", opKindName(launch.kind()),
             launch.location.empty() ? "" : cat(" at ", launch.location), ")");
}

} // namespace ds

#endif // DS_RUNTIME_LIB_BUFFER_LAYOUT_H
