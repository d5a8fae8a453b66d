//===- cpu_backend_bench.cpp - the cpu backend against direct op calls ----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The overhead of the cpu backend (arena bytes, launches) over calling the
// reference ops directly on held tensors, which is what ds-interp does: a
// hand-built decoder layer (norm, q/k/v gemms, rope, attention, o gemm,
// add+norm, gate/up gemms, swiglu, down gemm, add) run through a Session and
// op by op, checked bit for bit, timed over repetitions.
//
//   ds-runtime-bench [--quick] [--no-cache]
//
// --quick: small shapes and few repetitions (the ctest); --no-cache: the
// session decodes every operand from the arena (SessionOptions::valueCache).
// Prints one line per shape: "T=.. H=..: backend X ms, direct Y ms, ratio Z".
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/elementwise.h"
#include "ds/cpu/ops.h"
#include "ds/safetensors.h"
#include "ds/session.h"

#include "module_builder.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include <unistd.h>

using namespace ds;
using namespace ds::test;

namespace {

struct Shape {
  int64_t tokens, hidden, heads, ffn, reps;
};

[[noreturn]] void fail(const std::string &what) {
  std::fprintf(stderr, "ds-runtime-bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T> T get(Expected<T> e, const char *what) {
  if (!e)
    fail(cat(what, ": ", e.message()));
  return std::move(e).value();
}

struct Layer {
  Module module;
  std::map<std::string, cpu::Tensor> weights;
};

Layer buildLayer(const Shape &s) {
  Layer l;
  int64_t h = s.hidden, d = h / s.heads, f = s.ffn;
  EntryBuilder e(l.module, "forward", s.tokens);
  uint32_t x = e.input("x", DType::F32, tokenDims(1, {h}));
  uint32_t pos = e.input("positions", DType::I32, tokenDims(1, {}));
  auto weight = [&](const std::string &n, std::vector<int64_t> shape) {
    l.weights.emplace(
        n, randomTensor(DType::F32, shape,
                        static_cast<uint32_t>(l.weights.size() + 1)));
    if (n.find("norm") != std::string::npos) // around 1
      for (float &v : l.weights.at(n).f())
        v = 1.0f + v / 16;
    return e.weight(n, DType::F32, shape);
  };
  uint32_t n1 = weight("n1", {h}), wq = weight("wq", {h, h}),
           wk = weight("wk", {h, h}), wv = weight("wv", {h, h}),
           wo = weight("wo", {h, h}), n2 = weight("n2", {h}),
           wg = weight("wg", {f, h}), wu = weight("wu", {f, h}),
           wd = weight("wd", {h, f});
  auto arena = [&](const char *n, int64_t cols) {
    return e.arena(n, DType::F32, tokenDims(1, {cols}));
  };
  uint32_t a = arena("a", h), q = arena("q", h), k = arena("k", h),
           v = arena("v", h);
  uint32_t q3 = e.view("q3", q, tokenDims(1, {s.heads, d}));
  uint32_t k3 = e.view("k3", k, tokenDims(1, {s.heads, d}));
  uint32_t v3 = e.view("v3", v, tokenDims(1, {s.heads, d}));
  uint32_t qr = e.arena("qr", DType::F32, tokenDims(1, {s.heads, d}));
  uint32_t kr = e.arena("kr", DType::F32, tokenDims(1, {s.heads, d}));
  uint32_t o3 = e.arena("o", DType::F32, tokenDims(1, {s.heads, d}));
  uint32_t o = e.view("o2", o3, tokenDims(1, {h}));
  uint32_t p = arena("p", h), b = arena("b", h), sum = arena("sum", h);
  uint32_t g = arena("g", f), u = arena("u", f), m = arena("m", f);
  uint32_t dn = arena("dn", h), y = arena("y", h);
  RopeAttrs rope{10000.0, RopeStyle::HalfSplit, std::nullopt};
  AttentionAttrs att;
  att.scale = 1.0 / std::sqrt(static_cast<double>(d));
  GemmAttrs gemm{std::nullopt, false};
  e.launch(NormAttrs{1e-6, false}, {x, n1}, {a});
  e.launch(gemm, {a, wq}, {q});
  e.launch(gemm, {a, wk}, {k});
  e.launch(gemm, {a, wv}, {v});
  e.launch(rope, {q3, pos}, {qr});
  e.launch(rope, {k3, pos}, {kr});
  e.launch(att, {qr, kr, v3}, {o3});
  e.launch(gemm, {o, wo}, {p});
  e.launch(NormAttrs{1e-6, true}, {p, x, n2}, {b, sum});
  e.launch(gemm, {b, wg}, {g});
  e.launch(gemm, {b, wu}, {u});
  e.launch(ElementwiseAttrs{ElementwiseFn::Swiglu}, {g, u}, {m});
  e.launch(gemm, {m, wd}, {dn});
  e.launch(ElementwiseAttrs{ElementwiseFn::Add}, {dn, sum}, {y});
  e.output("y", y);
  e.finish();
  return l;
}

/// The same layer through the reference ops on held tensors.
cpu::Tensor direct(const Shape &s, const std::map<std::string, cpu::Tensor> &w,
                   const cpu::Tensor &x, const cpu::Tensor &pos) {
  int64_t h = s.hidden, d = h / s.heads, t = s.tokens;
  DType f32 = DType::F32;
  auto lin = [&](const cpu::Tensor &in, const char *n) {
    return get(cpu::linear(in, w.at(n), nullptr, nullptr, std::nullopt, f32),
               n);
  };
  cpu::Tensor a = get(cpu::rmsNorm(x, w.at("n1"), 1e-6, f32), "n1");
  cpu::Tensor q = lin(a, "wq"), k = lin(a, "wk"), v = lin(a, "wv");
  cpu::Tensor q3 = get(q.reshaped({t, s.heads, d}), "q3");
  cpu::Tensor k3 = get(k.reshaped({t, s.heads, d}), "k3");
  cpu::Tensor v3 = get(v.reshaped({t, s.heads, d}), "v3");
  cpu::Tensor qr =
      get(cpu::rope(q3, pos, 10000.0, RopeStyle::HalfSplit, std::nullopt, f32),
          "rq");
  cpu::Tensor kr =
      get(cpu::rope(k3, pos, 10000.0, RopeStyle::HalfSplit, std::nullopt, f32),
          "rk");
  cpu::Tensor o3 = get(cpu::attention(qr, kr, v3, nullptr,
                                      1.0 / std::sqrt(static_cast<double>(d)),
                                      Window{}, f32),
                       "att");
  cpu::Tensor p = lin(get(o3.reshaped({t, h}), "o"), "wo");
  cpu::AddRmsNormResult bn =
      get(cpu::addRmsNorm(p, x, w.at("n2"), 1e-6, f32), "n2");
  cpu::Tensor g = lin(bn.normed, "wg"), u = lin(bn.normed, "wu");
  cpu::Tensor m = get(cpu::swiglu(g, u, f32), "swiglu");
  cpu::Tensor dn = lin(m, "wd");
  return get(cpu::binary(cpu::BinaryFn::Add, dn, bn.sum, f32), "add");
}

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

int main(int argc, char **argv) {
  bool quick = false, cache = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick"))
      quick = true;
    else if (!std::strcmp(argv[i], "--no-cache"))
      cache = false;
    else
      fail(cat("unknown argument '", argv[i], "'"));
  }
  std::vector<Shape> shapes = quick ? std::vector<Shape>{{20, 64, 4, 128, 3}}
                                    : std::vector<Shape>{{20, 64, 4, 128, 200},
                                                         {64, 512, 8, 1024, 4},
                                                         {256, 256, 4, 512, 3}};
  for (const Shape &s : shapes) {
    Layer l = buildLayer(s);
    std::string path =
        cat("/tmp/ds_runtime_bench_", ::getpid(), ".safetensors");
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<TensorToWrite> out;
    bytes.reserve(l.weights.size());
    for (const auto &[n, t] : l.weights) {
      bytes.push_back(t.encode());
      out.push_back(
          {n, t.dtype(), t.shape(), bytes.back().data(), bytes.back().size()});
    }
    if (Status st = writeSafetensors(path, out); !st.ok())
      fail(st.message());
    SessionOptions options;
    options.valueCache = cache;
    std::unique_ptr<Session> session =
        get(Session::create(std::make_shared<const Module>(l.module), options),
            "session");
    if (Status st = session->bindWeights(path); !st.ok())
      fail(st.message());
    std::remove(path.c_str());
    cpu::Tensor x = randomTensor(DType::F32, {s.tokens, s.hidden}, 99);
    std::vector<int64_t> p(static_cast<size_t>(s.tokens));
    for (size_t i = 0; i < p.size(); ++i)
      p[i] = static_cast<int64_t>(i);
    cpu::Tensor pos = cpu::Tensor::ints(DType::I32, {s.tokens}, p);
    const EntryPoint &entry = *get(session->entry("forward"), "entry");

    // One warm-up of each, checked bit for bit.
    if (Status st = session->run(entry, {x, pos}); !st.ok())
      fail(st.message());
    cpu::Tensor want = direct(s, l.weights, x, pos);
    if (session->outputs().at(0).bytes != want.encode())
      fail(cat("T=", s.tokens, " H=", s.hidden,
               ": the backend differs from the reference ops"));

    double backend = 1e300, ref = 1e300; // the best of the repetitions
    for (int64_t r = 0; r < s.reps; ++r) {
      auto start = std::chrono::steady_clock::now();
      if (Status st = session->run(entry, {x, pos}); !st.ok())
        fail(st.message());
      backend = std::min(backend, msSince(start));
      start = std::chrono::steady_clock::now();
      cpu::Tensor y = direct(s, l.weights, x, pos);
      ref = std::min(ref, msSince(start));
    }
    std::printf("T=%lld H=%lld F=%lld%s: backend %.3f ms, direct %.3f ms, "
                "ratio %.3f\n",
                static_cast<long long>(s.tokens),
                static_cast<long long>(s.hidden), static_cast<long long>(s.ffn),
                cache ? "" : " (no cache)", backend, ref, backend / ref);
  }
  return 0;
}
