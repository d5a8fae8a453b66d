//===- dtype.h - Tensor element types ---------------------------*- C++ -*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Tensor element types as they appear in safetensors checkpoints (plus a
// packed signed 4-bit integer type for int4 weights), their sizes, and
// bit-exact scalar conversions between the narrow floating-point formats and
// `float`.
//
// All conversions are pure functions of their bit patterns: no type punning
// through unions, no dependence on the host byte order, no undefined
// behaviour for any input (NaN, infinity, out-of-range values included).
//
//===----------------------------------------------------------------------===//

#ifndef DS_DTYPE_H
#define DS_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ds {

/// A tensor element type. The order of the safetensors types follows the
/// safetensors `Dtype` enum (newest order, without the types we do not
/// support: F4, F6_E2M3, F6_E3M2, C64). The numeric values are not a stable
/// serialization format; use dtypeName()/parseDType() for that.
enum class DType : uint8_t {
  Bool,   ///< "BOOL": one byte, 0 or 1.
  U8,     ///< "U8"
  I8,     ///< "I8"
  F8E5M2, ///< "F8_E5M2": 1 sign, 5 exponent (bias 15), 2 mantissa bits; IEEE
          ///< style with infinities and NaNs.
  F8E4M3, ///< "F8_E4M3": E4M3FN (torch.float8_e4m3fn): 1 sign, 4 exponent
          ///< (bias 7), 3 mantissa bits; no infinities, S.1111.111 is NaN,
          ///< max finite 448.
  F8E8M0, ///< "F8_E8M0": unsigned power-of-two scale 2^(b-127); 0xFF is NaN.
  I16,    ///< "I16"
  U16,    ///< "U16"
  F16,    ///< "F16": IEEE 754 binary16.
  BF16,   ///< "BF16": bfloat16, the upper half of an IEEE binary32.
  I32,    ///< "I32"
  U32,    ///< "U32"
  F32,    ///< "F32": IEEE 754 binary32.
  F64,    ///< "F64": IEEE 754 binary64.
  I64,    ///< "I64"
  U64,    ///< "U64"
  /// "I4": ds extension, not a safetensors dtype. Signed two's-complement
  /// 4-bit integers in [-8, 7], packed two per byte: element 2*i is the low
  /// nibble (bits 0-3) of byte i, element 2*i+1 its high nibble (bits 4-7).
  /// An odd element count leaves the high nibble of the last byte unused.
  I4,
};

/// Every DType, in enum order (useful for tables and exhaustive tests).
inline constexpr DType AllDTypes[] = {
    DType::Bool,   DType::U8,  DType::I8,  DType::F8E5M2, DType::F8E4M3,
    DType::F8E8M0, DType::I16, DType::U16, DType::F16,    DType::BF16,
    DType::I32,    DType::U32, DType::F32, DType::F64,    DType::I64,
    DType::U64,    DType::I4};

/// Parses an exact dtype string as written in a safetensors header ("BF16",
/// "F8_E4M3", ...; case-sensitive, no surrounding spaces). Also accepts "I4"
/// (see DType::I4). Returns std::nullopt for anything else, including the
/// safetensors types ds does not support (F4, F6_*, C64).
std::optional<DType> parseDType(std::string_view safetensorsName);

/// The canonical name of `type` (the safetensors string; "I4" for DType::I4).
/// Never null; parseDType(dtypeName(t)) == t for every t.
const char *dtypeName(DType type);

/// Whether `type` may appear in a safetensors file (false only for I4).
bool isSafetensorsDType(DType type);

/// Whether `type` is a floating-point type (F8_*, F16, BF16, F32, F64).
bool isFloatDType(DType type);

/// Whether `type` is an integer type (signed or unsigned, I4 included; BOOL is
/// not).
bool isIntegerDType(DType type);

/// Whether `type` is an integer type of 8 to 64 bits every value of which
/// is an int64 (U8 … I64 but not U64; not I4): the index and integer
/// output types of a compiled module.
bool isIndexDType(DType type);

/// Storage size of one element in bits (8 for BOOL, 4 for I4).
size_t dtypeBits(DType type);

/// Number of bytes needed to store `numElements` elements of `type`, rounded up
/// to whole bytes for I4. Returns std::nullopt if the result does not fit in
/// 64 bits.
std::optional<uint64_t> byteSize(DType type, uint64_t numElements);

//===----------------------------------------------------------------------===//
// Scalar conversions
//===----------------------------------------------------------------------===//
//
// Decoding (narrow -> float) is exact for every input. Encoding (float ->
// narrow) rounds to nearest, ties to even. NaN inputs always give NaN outputs
// (quiet where the format distinguishes).

/// bfloat16 bits -> float (exact: `bits << 16`).
float bf16ToFloat(uint16_t bits);
/// float -> bfloat16 bits. Round to nearest even; values beyond the largest
/// bfloat16 round to infinity as IEEE prescribes; NaN stays NaN (quieted,
/// sign and upper payload kept).
uint16_t floatToBf16(float value);

/// IEEE binary16 bits -> float (exact; subnormals, infinities, NaNs).
float f16ToFloat(uint16_t bits);
/// float -> IEEE binary16 bits. Round to nearest even (subnormals included);
/// magnitudes >= 65520 become infinity; NaN becomes a quiet NaN.
uint16_t floatToF16(float value);

/// F8_E4M3 (E4M3FN) byte -> float (exact). 0x7F/0xFF decode to NaN.
float e4m3ToFloat(uint8_t bits);
/// float -> F8_E4M3 (E4M3FN) byte. Round to nearest even; saturating:
/// magnitudes above 448 (infinities included) become +-448 (0x7E/0xFE);
/// NaN becomes 0x7F. Signs of zero are kept.
uint8_t floatToE4m3(float value);

/// F8_E5M2 byte -> float (exact; it is the upper byte of a binary16).
float e5m2ToFloat(uint8_t bits);

/// F8_E8M0 byte -> float: 2^(bits-127) exactly (0 gives 2^-127, a float
/// subnormal); 0xFF is NaN.
float e8m0ToFloat(uint8_t bits);

//===----------------------------------------------------------------------===//
// Bulk decoding
//===----------------------------------------------------------------------===//

/// Decodes `n` little-endian elements of `type` stored contiguously at `src`
/// (no alignment requirement) into `dst[0..n)`.
///
/// Floating-point types decode exactly, except F64 which rounds to nearest
/// float (out-of-range magnitudes round to infinity). Integer types convert to
/// the nearest float (exact up to 2^24 in magnitude). I4 reads
/// ceil(n / 2) bytes and sign-extends each nibble (see DType::I4).
///
/// Returns false, writing nothing, for types that have no numeric meaning
/// (BOOL); true otherwise.
bool decodeToFloat(DType type, const void *src, float *dst, size_t n);

} // namespace ds

#endif // DS_DTYPE_H
