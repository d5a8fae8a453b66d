//===- module_builder.h - hand-built modules for tests ----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Builds ds::Module entry points the way the compiler's writer does, with a
// trivial plan: every arena buffer gets its own slot (per-token parts and
// fixed parts each packed in order, 256-byte aligned), so no two overlap
// at any T. Used by the unit tests, the module fuzzer's seed generator and
// ds-module-gen (the lit tests' modules).
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_TEST_MODULE_BUILDER_H
#define DS_RUNTIME_TEST_MODULE_BUILDER_H

#include "ds/cpu/tensor.h"
#include "ds/module.h"

#include <utility>

namespace ds::test {

class EntryBuilder {
public:
  explicit EntryBuilder(Module &module, std::string name = "forward",
                        int64_t maxTokens = 64)
      : M(module) {
    E.name = std::move(name);
    E.plan.maxTokens = maxTokens;
  }

  uint32_t input(const std::string &name, DType dtype, Dims dims) {
    Buffer b;
    b.name = name;
    b.dtype = dtype;
    b.dims = std::move(dims);
    b.kind = BufferKind::Input;
    b.input = static_cast<uint32_t>(E.inputs.size());
    E.inputs.push_back({name, add(std::move(b))});
    return E.inputs.back().buffer;
  }

  /// A parameter of the module (added when no parameter has that name) and
  /// its weight buffer.
  uint32_t weight(const std::string &name, DType dtype,
                  std::vector<int64_t> shape, std::string key = "") {
    uint32_t index = 0;
    while (index < M.parameters.size() && M.parameters[index].name != name)
      ++index;
    if (index == M.parameters.size())
      M.parameters.push_back(
          {name, key.empty() ? name : std::move(key), dtype, shape});
    Buffer b;
    b.name = name;
    b.dtype = dtype;
    for (int64_t d : shape)
      b.dims.push_back(Dim::fixed(d));
    b.kind = BufferKind::Weight;
    b.parameter = index;
    return add(std::move(b));
  }

  uint32_t arena(const std::string &name, DType dtype, Dims dims) {
    Buffer b;
    b.name = name;
    b.dtype = dtype;
    b.dims = std::move(dims);
    b.kind = BufferKind::Arena;
    // bytes(T) = perToken · T + fixed (exact for whole-byte dtypes).
    int64_t one = *bufferBytes(b.dtype, b.dims, 1, name);
    int64_t two = *bufferBytes(b.dtype, b.dims, 2, name);
    int64_t perToken = two - one, fixed = one - perToken;
    b.offsetPerToken = PerToken;
    b.offsetFixed = Fixed;
    PerToken += align(perToken);
    Fixed += align(fixed);
    Naive += perToken * E.plan.maxTokens + fixed;
    return add(std::move(b));
  }

  uint32_t view(const std::string &name, uint32_t source, Dims dims,
                int64_t byteOffset = 0) {
    Buffer b;
    b.name = name;
    b.dtype = E.buffers[source].dtype;
    b.dims = std::move(dims);
    b.kind = BufferKind::View;
    b.source = source;
    b.viewOffset = byteOffset;
    return add(std::move(b));
  }

  Launch &launch(OpAttrs attrs, std::vector<uint32_t> operands,
                 std::vector<uint32_t> results, std::string location = "") {
    Launch l;
    l.attrs = std::move(attrs);
    l.operands = std::move(operands);
    l.results = std::move(results);
    l.location = std::move(location);
    E.program.push_back(std::move(l));
    return E.program.back();
  }

  void output(const std::string &name, uint32_t buffer) {
    E.outputs.push_back({name, buffer});
  }

  /// The entry, appended to the module, with its plan.
  EntryPoint &finish() {
    E.plan.peakBytes = PerToken * E.plan.maxTokens + Fixed;
    E.plan.naiveBytes = Naive;
    M.entries.push_back(std::move(E));
    return M.entries.back();
  }

  EntryPoint &entry() { return E; }

private:
  static int64_t align(int64_t v) { return (v + 255) / 256 * 256; }
  uint32_t add(Buffer b) {
    E.buffers.push_back(std::move(b));
    return static_cast<uint32_t>(E.buffers.size() - 1);
  }

  Module &M;
  EntryPoint E;
  int64_t PerToken = 0, Fixed = 0, Naive = 0;
};

/// Deterministic values in [-1, 1) rounded to `dtype`.
inline cpu::Tensor randomTensor(DType dtype, cpu::Shape shape, uint32_t seed) {
  std::vector<float> v(static_cast<size_t>(cpu::numElements(shape)));
  uint32_t x = seed * 2654435761u + 1;
  for (float &f : v) {
    x = x * 1664525u + 1013904223u;
    f = static_cast<float>(x >> 8) / static_cast<float>(1 << 23) - 1.0f;
  }
  return cpu::Tensor::floats(dtype, std::move(shape), std::move(v));
}

inline Dims dims(std::initializer_list<int64_t> sizes) {
  Dims d;
  for (int64_t s : sizes)
    d.push_back(Dim::fixed(s));
  return d;
}

/// [scale·T, rest...].
inline Dims tokenDims(int64_t scale, std::initializer_list<int64_t> rest) {
  Dims d{Dim::tokens(scale)};
  for (int64_t s : rest)
    d.push_back(Dim::fixed(s));
  return d;
}

/// A small module: x [T, 8] F32 -> norm -> gemm with w [16, 8] BF16 + bias
/// -> add of itself -> out [T, 16] BF16, plus a view and a copy.
inline Module sampleModule() {
  Module m;
  m.producer = "module_builder";
  m.target = "sm_90a";
  m.model = "sample";
  m.limits.maxPositions = 128;
  EntryBuilder e(m);
  uint32_t x = e.input("x", DType::F32, tokenDims(1, {8}));
  uint32_t nw = e.weight("norm.weight", DType::F32, {8});
  uint32_t w = e.weight("proj.weight", DType::BF16, {16, 8});
  uint32_t b = e.weight("proj.bias", DType::BF16, {16});
  uint32_t h = e.arena("h", DType::BF16, tokenDims(1, {8}));
  uint32_t y = e.arena("y", DType::BF16, tokenDims(1, {16}));
  uint32_t z = e.arena("z", DType::BF16, tokenDims(1, {16}));
  uint32_t zv = e.view("z4", z, tokenDims(1, {4, 4}));
  uint32_t c = e.arena("c", DType::BF16, tokenDims(1, {2, 4}));
  e.launch(NormAttrs{1e-5, false}, {x, nw}, {h}, "sample.mlir:3:5");
  e.launch(GemmAttrs{std::nullopt, true}, {h, w, b}, {y}, "sample.mlir:4:5");
  e.launch(ElementwiseAttrs{ElementwiseFn::Add}, {y, y}, {z},
           "sample.mlir:5:5");
  CopyAttrs copy;
  copy.srcOffsets = {0, 1, 0};
  copy.srcStrides = {1, 2, 1};
  copy.sizes = {Dim::tokens(1), Dim::fixed(2), Dim::fixed(4)};
  copy.dstOffsets = {0, 0, 0};
  e.launch(copy, {zv}, {c}, "sample.mlir:6:5");
  e.output("z", z);
  e.output("c", c);
  e.finish();
  return m;
}

/// The sample module with a second entry "split": x [T, 8] BF16 -> one gemm
/// over proj.weight [16, 8] + proj.bias whose split epilogue writes q
/// [T, 10] and k [T, 6] (moe.linear {split = [10, 6]}).
inline Module splitGemmModule() {
  Module m = sampleModule();
  EntryBuilder e(m, "split");
  uint32_t x = e.input("x", DType::BF16, tokenDims(1, {8}));
  uint32_t w = e.weight("proj.weight", DType::BF16, {16, 8});
  uint32_t b = e.weight("proj.bias", DType::BF16, {16});
  uint32_t q = e.arena("q", DType::BF16, tokenDims(1, {10}));
  uint32_t k = e.arena("k", DType::BF16, tokenDims(1, {6}));
  GemmAttrs attrs{std::nullopt, true};
  attrs.split = {10, 6};
  e.launch(attrs, {x, w, b}, {q, k}, "split.mlir:2:3");
  e.output("q", q);
  e.output("k", k);
  e.finish();
  return m;
}

/// A module with one launch of most op kinds: embedding -> router ->
/// dispatch -> grouped_gemm (fp8, stacked weights e.*.w / e.*.s) -> combine;
/// rope and attention on a view of the result; a fill and a copy into a box.
inline Module moeModule() {
  Module m;
  m.limits.maxPositions = 64;
  EntryBuilder e(m, "forward", 16);
  uint32_t ids = e.input("input_ids", DType::I32, tokenDims(1, {}));
  uint32_t pos = e.input("positions", DType::I32, tokenDims(1, {}));
  uint32_t table = e.weight("embed", DType::BF16, {32, 16});
  uint32_t x = e.arena("x", DType::BF16, tokenDims(1, {16}));
  e.launch(EmbeddingAttrs{}, {table, ids}, {x}, "moe.mlir:1:1");
  uint32_t gate = e.weight("gate", DType::BF16, {4, 16});
  uint32_t rw = e.arena("rw", DType::F32, tokenDims(1, {2}));
  uint32_t ri = e.arena("ri", DType::I32, tokenDims(1, {2}));
  RouterConfig rc;
  rc.topK = 2;
  rc.normTopkProb = true;
  e.launch(RouterAttrs{rc, false}, {x, gate}, {rw, ri});
  uint32_t rows = e.arena("rows", DType::BF16, tokenDims(2, {16}));
  uint32_t perm = e.arena("perm", DType::I32, tokenDims(2, {}));
  uint32_t offs = e.arena("offsets", DType::I32, dims({5}));
  e.launch(DispatchAttrs{4}, {x, ri}, {rows, perm, offs});
  uint32_t we = e.weight("experts", DType::F8E4M3, {4, 16, 16}, "e.*.w");
  uint32_t ws = e.weight("experts.scale", DType::F32, {4, 1, 1}, "e.*.s");
  uint32_t h = e.arena("h", DType::BF16, tokenDims(2, {16}));
  Quant q{QuantScheme::FP8E4M3, 128, 128};
  e.launch(GroupedGemmAttrs{q}, {rows, we, offs, ws}, {h});
  uint32_t y = e.arena("y", DType::BF16, tokenDims(1, {16}));
  e.launch(CombineAttrs{}, {h, perm, rw}, {y});
  uint32_t y3 = e.view("y3", y, tokenDims(1, {2, 8}));
  uint32_t qr = e.arena("qr", DType::BF16, tokenDims(1, {2, 8}));
  e.launch(RopeAttrs{10000.0, RopeStyle::HalfSplit, std::nullopt}, {y3, pos},
           {qr});
  uint32_t o = e.arena("o", DType::BF16, tokenDims(1, {2, 8}));
  AttentionAttrs att;
  att.scale = 0.35;
  e.launch(att, {qr, qr, y3}, {o});
  uint32_t cat2 = e.arena("cat", DType::BF16, tokenDims(1, {4, 8}));
  e.launch(FillAttrs{0.5}, {}, {cat2});
  CopyAttrs c1;
  c1.srcOffsets = {0, 0, 0};
  c1.srcStrides = {1, 1, 1};
  c1.sizes = {Dim::tokens(1), Dim::fixed(2), Dim::fixed(8)};
  c1.dstOffsets = {0, 1, 0};
  e.launch(c1, {o}, {cat2});
  e.output("y", y);
  e.output("out", cat2);
  e.output("indices", ri);
  e.finish();
  return m;
}

} // namespace ds::test

#endif // DS_RUNTIME_TEST_MODULE_BUILDER_H
