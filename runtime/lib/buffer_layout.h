//===- buffer_layout.h - where each buffer of an entry lives ---*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Internal to the runtime library: the root (a non-view buffer) of each
// buffer of an entry and the static byte offset of its view chain into it,
// which every backend resolves addresses from.
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_LIB_BUFFER_LAYOUT_H
#define DS_RUNTIME_LIB_BUFFER_LAYOUT_H

#include "ds/module.h"

#include <cstdint>
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
};

} // namespace ds

#endif // DS_RUNTIME_LIB_BUFFER_LAYOUT_H
