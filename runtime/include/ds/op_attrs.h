//===- ds/op_attrs.h - Attribute sets of the moe ops ------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The one definition of each op's attribute set (design.md §3, "One source
// of truth per contract"): the router, rotary embedding + YaRN, attention
// window and block quantization parameters as plain, backend-neutral structs,
// each with one `validate()` holding its rules. The importer normalizes a
// Hugging Face config into them, the `moe` dialect's attribute and op
// verifiers call the same `validate()` (dialects/moe/MoeAttrConversion.h
// converts between these structs and the `#moe.*` attributes), and the CPU
// reference ops take them as their parameters. No MLIR.
//
// `validate()` fails with a message naming the field and the offending value
// (the wording of the `moe` dialect's diagnostics, which prints doubles as
// `%e`). Callers that have to word an error in their own terms (the importer
// names the config key a field was read from) pass `broken` to learn which
// rule failed.
//
//===----------------------------------------------------------------------===//

#ifndef DS_OP_ATTRS_H
#define DS_OP_ATTRS_H

#include "ds/dtype.h"
#include "ds/status.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ds {

//===----------------------------------------------------------------------===//
// Quantization (#moe.quant)
//===----------------------------------------------------------------------===//

/// How quantized weight elements are stored.
enum class QuantScheme { FP8E4M3, Int8, Int4 };

/// The spelling of `scheme` in `#moe.quant` ("fp8_e4m3", "int8", "int4").
const char *quantSchemeName(QuantScheme scheme);
/// The checkpoint dtype of a weight element of `scheme` (F8_E4M3, I8, I4).
DType quantStorageDType(QuantScheme scheme);

/// #moe.quant: `W[n, k] = decode(Wq[n, k]) * scale[n / blockRows, k /
/// blockCols]` over the two trailing dims.
struct Quant {
  QuantScheme scheme = QuantScheme::FP8E4M3;
  int64_t blockRows = 128;
  int64_t blockCols = 128;

  enum class Rule {
    BlockPositive, ///< blockRows >= 1 and blockCols >= 1
  };
  Status validate(Rule *broken = nullptr) const;
};

//===----------------------------------------------------------------------===//
// Rotary embedding (moe.rope, #moe.yarn)
//===----------------------------------------------------------------------===//

/// Which dims of a head are rotated together.
enum class RopeStyle {
  HalfSplit,   ///< rotate_half: pairs (i, i + d/2)
  Interleaved, ///< pairs (2i, 2i + 1) (DeepSeek MLA)
};

/// The rule of moe.rope's base `theta` (rope_theta): finite and > 1, so
/// that the inverse frequencies theta^(-2i/d) decrease. The verifier, the
/// importer and the CPU rope op all check it here.
Status validateRopeTheta(double theta);

/// #moe.yarn (models.md §2.2). Zero `mscale`/`mscaleAllDim`/
/// `attentionFactor` mean unset.
struct Yarn {
  double factor = 1.0;
  int64_t originalMaxPositionEmbeddings = 0;
  double betaFast = 32.0;
  double betaSlow = 1.0;
  double mscale = 0.0;
  double mscaleAllDim = 0.0;
  double attentionFactor = 0.0;
  /// Round the correction range to whole dims (floor/ceil), as HF does unless
  /// the config says `truncate: false`.
  bool truncate = true;

  /// YaRN's magnitude correction mscale(s, m): 1 if s <= 1, else
  /// 0.1·m·ln(s) + 1.
  static double computeMscale(double scale, double m);
  /// The factor multiplying cos and sin: the explicit attentionFactor when
  /// non-zero; else mscale(factor, mscale) / mscale(factor, mscaleAllDim)
  /// when both are non-zero; else mscale(factor, 1).
  double effectiveAttentionFactor() const;

  enum class Rule {
    Factor,                        ///< factor finite and >= 1
    OriginalMaxPositionEmbeddings, ///< >= 1
    Betas,                         ///< betaFast > betaSlow > 0, finite
    Mscales,                       ///< mscale, mscaleAllDim finite, >= 0
    AttentionFactor,               ///< finite, >= 0
  };
  Status validate(Rule *broken = nullptr) const;
};

//===----------------------------------------------------------------------===//
// Attention window (#moe.window)
//===----------------------------------------------------------------------===//

/// Which keys a query may attend to beyond causality.
enum class WindowKind { Global, Sliding, Chunked, LocalGlobal, Adaptive };

/// The spelling of `kind` in `#moe.window` ("global", "sliding", ...).
const char *windowKindName(WindowKind kind);

/// #moe.window (positions are absolute; key k visible to query q iff k <= q
/// and the window admits it). An adaptive window is one of two others,
/// chosen by the number of keys S: global while S <= threshold, else sliding
/// over `size` keys (local_global with `sinks` when sinks > 0); resolve()
/// is the one place that choice is made.
struct Window {
  WindowKind kind = WindowKind::Global;
  int64_t size = 0;      ///< W (sliding, local_global, adaptive) or C (chunked)
  int64_t sinks = 0;     ///< G (local_global; adaptive above the threshold)
  int64_t threshold = 0; ///< L (adaptive): global while keys <= L

  enum class Rule {
    GlobalTakesNothing, ///< a global window has size, sinks, threshold 0
    Size,               ///< the other kinds have size >= 1
    Sinks,     ///< local_global has sinks >= 1, adaptive >= 0, the others 0
    Threshold, ///< adaptive has threshold >= 1, the others 0
  };
  Status validate(Rule *broken = nullptr) const;

  /// The window that applies to a sequence of `keys` keys: an adaptive
  /// window's global or sliding (local_global) regime, any other window
  /// itself. `*this` must validate.
  Window resolve(int64_t keys) const;
};

/// The one text form of a window, as moe-summary and `ds-run --info` print
/// it: "global", "sliding 4", "local_global 4 sinks 2", "adaptive 4
/// threshold 16 sinks 2".
std::string describeWindow(const Window &window);

//===----------------------------------------------------------------------===//
// Router (#moe.router)
//===----------------------------------------------------------------------===//

enum class Scoring { Softmax, Sigmoid };
enum class Selection { Greedy, GroupLimited, NoauxTc };
enum class GroupFill { NegInf, Zero };

/// #moe.router (models.md §2.4).
struct RouterConfig {
  Scoring scoring = Scoring::Softmax;
  Selection selection = Selection::Greedy;
  int64_t topK = 1;
  int64_t nGroup = 1;
  int64_t topkGroup = 1;
  bool normTopkProb = false;
  double routedScalingFactor = 1.0;
  GroupFill groupFill = GroupFill::NegInf;

  enum class Rule {
    // Rules of the fields alone.
    TopK,                ///< topK >= 1
    NGroup,              ///< nGroup >= 1
    TopkGroup,           ///< topkGroup in [1, nGroup]
    GreedyGroups,        ///< greedy selection: nGroup = topkGroup = 1
    RoutedScalingFactor, ///< finite and > 0
    // Rules against the expert count E.
    TopKExperts,    ///< topK <= E
    NGroupDivides,  ///< nGroup divides E
    TopKKeptGroups, ///< grouped selection: topK <= topkGroup * E / nGroup
    NoauxGroupSize, ///< noaux_tc: E / nGroup >= 2
  };
  /// Checks the fields and, given the expert count `numExperts`, the rules
  /// that depend on it. (Whether a correction bias operand is present is an
  /// operand check, not part of the attribute set.)
  Status validate(std::optional<int64_t> numExperts = std::nullopt,
                  Rule *broken = nullptr) const;
};

} // namespace ds

#endif // DS_OP_ATTRS_H
