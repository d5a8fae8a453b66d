//===- memory.cuh - kernel.embedding, kernel.copy, kernel.fill -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The memory-bound data-movement kernels. Each moves whole 16-byte vectors
// (uint4) when every address it touches is 16-byte aligned and a row's bytes
// are a multiple of 16, and single elements otherwise; the choice is made
// from the runtime pointers and shapes, once per launch (copy, fill) or per
// row (embedding, and dispatch's row copies), uniformly over the threads
// that share it (no divergence).
//
//   embeddingKernel  y[t] = round_O(table[ids[t]])   (ds::cpu::embedding)
//   copyKernel       dst[dstOffsets + i] = src[srcOffsets + i · srcStrides]
//                    over the box `sizes` (kernel.copy; the CPU backend's
//                    extractSlice + insertSlice, runtime/lib/cpu_backend.cpp)
//   fillKernel       dst[i] = value rounded to T (kernel.fill)
//
// No arithmetic but the embedding's dtype conversion (round to nearest even,
// as the reference's roundTo), so every result is bit-exact.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_MEMORY_CUH
#define DS_CODEGEN_CUDA_MEMORY_CUH

#include "codegen/cuda/ds_convert.cuh"

#if defined(__CUDACC__)
#define DS_UNROLL _Pragma("unroll")
#else
#define DS_UNROLL
#endif

namespace ds {

//===----------------------------------------------------------------------===//
// Shared helpers (dispatch.cuh uses them too)
//===----------------------------------------------------------------------===//

/// N elements of T loaded and stored as one access of sizeof(T)·N bytes (a
/// power of two up to 16).
template <class T, int N> struct alignas(sizeof(T) * N) Pack { T v[N]; };

/// Whether `p` is 16-byte aligned.
template <class P> DS_DEVICE bool isAligned16(P p) {
  return (reinterpret_cast<unsigned long long>(raw(p)) & 15ull) == 0;
}

/// Copies `n` units of U from src to dst: unit i by the thread of index
/// `first + j · stride` (j ≥ 0), four loads in flight before the stores.
template <class U>
DS_DEVICE void copyUnits(gptr<const U> src, gptr<U> dst, long long n,
                         long long first, long long stride) {
  long long i = first;
  for (; i + 3 * stride < n; i += 4 * stride) {
    U a = src[i], b = src[i + stride], c = src[i + 2 * stride],
      d = src[i + 3 * stride];
    dst[i] = a;
    dst[i + stride] = b;
    dst[i + 2 * stride] = c;
    dst[i + 3 * stride] = d;
  }
  for (; i < n; i += stride)
    dst[i] = U(src[i]);
}

/// Copies one row of `n` elements of T, as 16-byte vectors when both rows
/// are 16-byte aligned and n · sizeof(T) is a multiple of 16 (else element
/// by element); the calling threads are `first`, `first + stride`, ...
template <class T>
DS_DEVICE void copyRow(gptr<const T> src, gptr<T> dst, long long n,
                       long long first, long long stride) {
  if (isAligned16(src) && isAligned16(dst) &&
      (n * (long long)sizeof(T)) % 16 == 0)
    copyUnits<uint4>(ptr_cast<const uint4>(src), ptr_cast<uint4>(dst),
                     n * (long long)sizeof(T) / 16, first, stride);
  else
    copyUnits<T>(src, dst, n, first, stride);
}

//===----------------------------------------------------------------------===//
// kernel.embedding
//===----------------------------------------------------------------------===//

/// moe.embedding: y [T, h] (O) = table [vocab, h] (S) rows picked by ids [T]
/// (I: int or long long), each element round_O(table value) like
/// ds::cpu::embedding.
///
/// Launch: grid.x = T (one CTA per token; any grid.x ≥ 1 is correct, rows
/// are strided by gridDim.x), block = kThreads. No shared memory.
/// S == O copies the row with 16-byte vectors when both rows are 16-byte
/// aligned (table, y aligned and h · sizeof(S) a multiple of 16); otherwise
/// element by element.
/// Differs from the reference: an id outside [0, vocab) — which the
/// reference rejects and the runtime validates before the launch — writes a
/// zero row instead of reading out of bounds.
template <class S, class O, class I, int kThreads>
DS_DEVICE void embeddingKernel(gptr<const S> table, gptr<const I> ids,
                               gptr<O> y, long long tokens, long long vocab,
                               long long h) {
  for (long long t = blockIdx.x; t < tokens; t += gridDim.x) {
    long long id = (long long)I(ids[t]);
    gptr<O> out = y + t * h;
    if (id < 0 || id >= vocab) {
      for (long long j = threadIdx.x; j < h; j += kThreads)
        out[j] = fromFloat<O>(0.0f);
      continue;
    }
    gptr<const S> row = table + id * h;
    if constexpr (IsSame<S, O>::value) {
      copyRow<S>(row, out, h, threadIdx.x, kThreads);
    } else {
      for (long long j = threadIdx.x; j < h; j += kThreads)
        out[j] = fromFloat<O>(toFloat(S(row[j])));
    }
  }
}

//===----------------------------------------------------------------------===//
// kernel.copy
//===----------------------------------------------------------------------===//

/// The largest box rank (ds::kMaxRank, the largest buffer rank).
constexpr int kMaxCopyRank = 8;

/// The box of a kernel.copy, plain data passed by value. Dims 0 .. rank-1
/// (rank 0 .. kMaxCopyRank; rank 0 copies one element) are used, both
/// buffers row-major with their own shapes: dst[dstOffsets + i] =
/// src[srcOffsets + i · srcStrides] for every index i < sizes. The caller
/// resolves the dynamic sizes (the token dim) before the launch and
/// guarantees the box fits both buffers (the verifier's rule). Entries past
/// `rank` are ignored.
struct CopyBox {
  long long rank;
  long long sizes[kMaxCopyRank];
  long long srcShape[kMaxCopyRank];
  long long srcOffsets[kMaxCopyRank];
  long long srcStrides[kMaxCopyRank];
  long long dstShape[kMaxCopyRank];
  long long dstOffsets[kMaxCopyRank];
};

/// A CopyBox whose sizes and shapes may grow with the token count: entry d
/// of sizes / srcShape / dstShape is box.x[d] + xPerToken[d] · T. The code
/// generator emits it as a constant of the kernel's source.
struct CopyBoxSpec {
  CopyBox box;
  long long sizesPerToken[kMaxCopyRank];
  long long srcShapePerToken[kMaxCopyRank];
  long long dstShapePerToken[kMaxCopyRank];
};

/// The box of `spec` at `tokens`.
DS_DEVICE CopyBox resolveCopyBox(const CopyBoxSpec &spec, long long tokens) {
  CopyBox b = spec.box;
  for (int d = 0; d < kMaxCopyRank; ++d) {
    b.sizes[d] += spec.sizesPerToken[d] * tokens;
    b.srcShape[d] += spec.srcShapePerToken[d] * tokens;
    b.dstShape[d] += spec.dstShapePerToken[d] * tokens;
  }
  return b;
}

namespace copy_detail {

/// The box right-aligned to kR dims (dim kR-1 innermost; leading dims of
/// size 1) in element strides, with the inner dims that are contiguous in
/// both buffers merged into the inner run. Every array is indexed by
/// constants only (fully unrolled loops), so it lives in registers.
template <int kR> struct Plan {
  int n[kR];                  ///< sizes; the inner dim is the run
  long long src[kR];          ///< src element stride of each box dim
  long long dst[kR];          ///< dst element stride of each box dim
  long long srcBase, dstBase; ///< element offsets of the box's origin
  long long count;            ///< elements in the box
  int outer;                  ///< the outermost dim of size > 1, or -1
};

/// `box.field[d]` for the right-aligned dim `s` (`pad` for a leading dim).
#define DS_COPY_ALIGNED(out, field, pad)                                       \
  DS_UNROLL for (int s = 0; s < kR; ++s) {                                     \
    out[s] = (pad);                                                            \
    DS_UNROLL for (int d = 0; d <= s; ++d) {                                   \
      if (d == s - shift)                                                      \
        out[s] = box.field[d];                                                 \
    }                                                                          \
  }

template <int kR> DS_DEVICE Plan<kR> makePlan(const CopyBox &box) {
  Plan<kR> p;
  int shift = kR - int(box.rank);
  long long size[kR], srcShape[kR], dstShape[kR], srcOff[kR], srcStride[kR],
      dstOff[kR];
  DS_COPY_ALIGNED(size, sizes, 1)
  DS_COPY_ALIGNED(srcShape, srcShape, 1)
  DS_COPY_ALIGNED(srcOff, srcOffsets, 0)
  DS_COPY_ALIGNED(srcStride, srcStrides, 1)
  DS_COPY_ALIGNED(dstShape, dstShape, 1)
  DS_COPY_ALIGNED(dstOff, dstOffsets, 0)
  long long srcRm = 1, dstRm = 1;
  p.srcBase = 0;
  p.dstBase = 0;
  p.count = 1;
  DS_UNROLL for (int s = kR - 1; s >= 0; --s) {
    p.n[s] = int(size[s]);
    p.src[s] = srcStride[s] * srcRm;
    p.dst[s] = dstRm;
    p.srcBase += srcOff[s] * srcRm;
    p.dstBase += dstOff[s] * dstRm;
    p.count *= size[s];
    srcRm *= srcShape[s];
    dstRm *= dstShape[s];
  }
  // Merge outer dims into the run while they continue it in both buffers
  // (the run may then exceed 2^24 elements: `run` below is 64-bit).
  constexpr int kIn = kR - 1;
  long long run = p.n[kIn];
  bool merging = true;
  DS_UNROLL for (int s = kIn - 1; s >= 0; --s) {
    if (merging && p.n[s] > 1) {
      if (p.src[s] == run * p.src[kIn] && p.dst[s] == run * p.dst[kIn]) {
        run *= p.n[s];
        p.n[s] = 1;
      } else {
        merging = false;
      }
    }
  }
  p.outer = -1;
  DS_UNROLL for (int s = kIn - 1; s >= 0; --s) {
    if (p.n[s] > 1)
      p.outer = s;
  }
  return p;
}

#undef DS_COPY_ALIGNED

/// The run length of `p` in elements: count over the outer dims' sizes.
template <int kR> DS_DEVICE long long runOf(const Plan<kR> &p) {
  long long rows = 1;
  DS_UNROLL for (int s = 0; s < kR - 1; ++s) { rows *= p.n[s]; }
  return p.count / rows;
}

/// Whether every row of the box starts 16-byte aligned in both buffers and
/// runs contiguously over a multiple of 16 bytes.
template <class T, int kR>
DS_DEVICE bool vectorizable(const Plan<kR> &p, long long run, gptr<const T> src,
                            gptr<T> dst) {
  constexpr long long kV = 16 / sizeof(T);
  constexpr int kIn = kR - 1;
  bool ok = isAligned16(src) && isAligned16(dst) && p.src[kIn] == 1 &&
            p.dst[kIn] == 1 && run % kV == 0 && p.srcBase % kV == 0 &&
            p.dstBase % kV == 0;
  DS_UNROLL for (int s = 0; s < kIn; ++s) {
    if (p.n[s] > 1)
      ok = ok && p.src[s] % kV == 0 && p.dst[s] % kV == 0;
  }
  return ok;
}

/// The box in units of U (kScale elements each; the plan's strides and
/// offsets are divisible by it): items = rows × run units, strided over the
/// grid, kBatch of them in flight per thread. Idx is the index type of the
/// decomposition (32 bits when it fits).
template <class U, class Idx, int kScale, int kR>
DS_DEVICE void copyItems(gptr<const U> src, gptr<U> dst, const Plan<kR> &p,
                         long long runElements) {
  constexpr int kIn = kR - 1;
  constexpr int kBatch = 4;
  Idx run = Idx(runElements / kScale);
  long long items = p.count / kScale;
  long long srcStride[kR], dstStride[kR];
  DS_UNROLL for (int k = 0; k < kIn; ++k) {
    srcStride[k] = p.src[k] / kScale;
    dstStride[k] = p.dst[k] / kScale;
  }
  long long srcIn = p.src[kIn], dstIn = p.dst[kIn];
  long long srcBase = p.srcBase / kScale, dstBase = p.dstBase / kScale;
  long long stride = (long long)blockDim.x * gridDim.x;
  for (long long w0 = (long long)blockIdx.x * blockDim.x + threadIdx.x;
       w0 < items; w0 += kBatch * stride) {
    long long s[kBatch] = {}, d[kBatch] = {};
    U v[kBatch] = {};
    DS_UNROLL for (int b = 0; b < kBatch; ++b) {
      if (w0 + b * stride < items) {
        Idx w = Idx(w0 + b * stride);
        Idx row = w / run;
        Idx col = w - row * run;
        s[b] = srcBase + (long long)col * srcIn;
        d[b] = dstBase + (long long)col * dstIn;
        DS_UNROLL for (int k = kIn - 1; k >= 0; --k) {
          if (p.n[k] > 1) {
            Idx r = row;
            if (k != p.outer) {
              Idx q = row / Idx(p.n[k]);
              r = row - q * Idx(p.n[k]);
              row = q;
            }
            s[b] += (long long)r * srcStride[k];
            d[b] += (long long)r * dstStride[k];
          }
        }
        v[b] = src[s[b]];
      }
    }
    DS_UNROLL for (int b = 0; b < kBatch; ++b) {
      if (w0 + b * stride < items)
        dst[d[b]] = v[b];
    }
  }
}

} // namespace copy_detail

/// kernel.copy: dst[dstOffsets + i] = src[srcOffsets + i · srcStrides] for
/// every index i of `box.sizes` (same element type T in both; any trivially
/// copyable T of 1, 2, 4, 8 or 16 bytes: float, __nv_bfloat16, __half, int,
/// long long, ...). dst keeps its elements outside the box. box.rank must
/// be at most kRankBound (the code generator passes the op's rank; register
/// arrays are sized by it).
///
/// Launch: any grid (a grid-stride loop over the box's units); one pass is
/// grid.x = ceil(units / (4 · kThreads)) with units = Π sizes / (16 /
/// sizeof(T)) on the vector path (else Π sizes) — e.g. for a box of T·R
/// elements of 2 bytes, ceil(T·R / (32 · kThreads)). block = kThreads. No
/// shared memory.
/// Inner dims contiguous in both buffers are merged into one run; a box
/// whose runs are contiguous (src stride 1), 16-byte aligned in both buffers
/// and a multiple of 16 bytes long moves 16-byte vectors, otherwise single
/// elements; four units in flight per thread. Each unit decomposes its index
/// with one 32-bit division per non-unit dim but the outermost (64-bit when
/// the box has 2^32 units or more).
template <class T, int kThreads, int kRankBound = kMaxCopyRank>
DS_DEVICE void copyKernel(gptr<const T> src, gptr<T> dst, CopyBox box) {
  static_assert(kRankBound >= 1 && kRankBound <= kMaxCopyRank,
                "a box has 0 .. kMaxCopyRank dims");
  static_assert(sizeof(T) <= 16 && 16 % sizeof(T) == 0,
                "elements of 1, 2, 4, 8 or 16 bytes");
  copy_detail::Plan<kRankBound> p = copy_detail::makePlan<kRankBound>(box);
  if (p.count <= 0)
    return;
  long long run = copy_detail::runOf(p);
  constexpr int kScale = 16 / sizeof(T);
  if (copy_detail::vectorizable<T>(p, run, src, dst)) {
    gptr<const uint4> s = ptr_cast<const uint4>(src);
    gptr<uint4> d = ptr_cast<uint4>(dst);
    if (p.count / kScale < (1ll << 32))
      copy_detail::copyItems<uint4, unsigned, kScale>(s, d, p, run);
    else
      copy_detail::copyItems<uint4, unsigned long long, kScale>(s, d, p, run);
  } else if (p.count < (1ll << 32)) {
    copy_detail::copyItems<T, unsigned, 1>(src, dst, p, run);
  } else {
    copy_detail::copyItems<T, unsigned long long, 1>(src, dst, p, run);
  }
}

//===----------------------------------------------------------------------===//
// kernel.fill
//===----------------------------------------------------------------------===//

/// The value a fill of T stores for `v`, as the CPU backend converts it:
/// float dtypes through float (double → float → T, both round to nearest
/// even: ds::cpu::splatFloat), integer dtypes by truncation to an int64 and
/// then to T (ds::cpu::splatInt).
template <class T> struct FillValue {
  static DS_DEVICE T of(double v) { return T((long long)v); }
};
template <> struct FillValue<float> {
  static DS_DEVICE float of(double v) { return float(v); }
};
template <> struct FillValue<__nv_bfloat16> {
  static DS_DEVICE __nv_bfloat16 of(double v) {
    return fromFloat<__nv_bfloat16>(float(v));
  }
};
template <> struct FillValue<__half> {
  static DS_DEVICE __half of(double v) { return fromFloat<__half>(float(v)); }
};

/// kernel.fill: dst[i] = value (converted by FillValue<T>) for i < n.
///
/// Launch: any grid (grid-stride); one pass is grid.x = ceil(n · sizeof(T) /
/// (16 · kThreads)) (n = T·R for a [T, ...] buffer of R elements per
/// token), block = kThreads. No shared memory. 16-byte stores when dst is
/// 16-byte aligned (the tail of n · sizeof(T) mod 16 bytes element by
/// element), else element by element.
template <class T, int kThreads>
DS_DEVICE void fillKernel(gptr<T> dst, long long n, double value) {
  T v = FillValue<T>::of(value);
  long long first = (long long)blockIdx.x * kThreads + threadIdx.x;
  long long stride = (long long)kThreads * gridDim.x;
  constexpr int kV =
      sizeof(T) <= 16 && 16 % sizeof(T) == 0 ? 16 / sizeof(T) : 1;
  long long head = 0;
  if (kV > 1 && isAligned16(dst)) {
    Pack<T, kV> pack;
    DS_UNROLL for (int j = 0; j < kV; ++j) { pack.v[j] = v; }
    gptr<Pack<T, kV>> vec = ptr_cast<Pack<T, kV>>(dst);
    long long nv = n / kV;
    for (long long i = first; i < nv; i += stride)
      vec[i] = pack;
    head = nv * kV;
  }
  for (long long i = head + first; i < n; i += stride)
    dst[i] = v;
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_MEMORY_CUH
