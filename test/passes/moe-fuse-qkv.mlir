// RUN: ds-opt %s --split-input-file --moe-fuse-qkv | FileCheck %s
// Each module records the groups and linears fused (moe.passes, shown by
// ds-run --info): the cases below in order.
// RUN: ds-opt %s --split-input-file --moe-fuse-qkv | FileCheck %s --check-prefix=RECORD
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 3 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 3 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 2 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 2 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 0 : i64, "linears-fused" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 0 : i64, "linears-fused" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 0 : i64, "linears-fused" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 0 : i64, "linears-fused" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 0 : i64, "linears-fused" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-qkv", statistics = {"groups-fused" = 0 : i64, "linears-fused" = 0 : i64}}]}

// The numbers on the golden models (bit-identical on the CPU reference,
// within the tolerances on the sim) and the launches saved:
// test/golden/fuse-qkv.test. The split form's verifier rules:
// test/dialects/moe/linear-invalid.mlir, kernel/gemm-invalid.mlir.

// q, k and v of grouped-query attention: one linear over the joined weight
// where q was, one result per projection; the old parameters go.
// CHECK-LABEL: func.func @qkv
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>)
// CHECK-NEXT: %[[W:.*]] = moe.load @q_qkv : tensor<96x64xbf16>
// CHECK-NEXT: %[[R:.*]]:3 = moe.linear %[[X]], %[[W]] {split = array<i64: 64, 16, 16>} : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x64xbf16>, tensor<?x16xbf16>, tensor<?x16xbf16>
// CHECK-NEXT: %[[O:.*]] = moe.load @o
// CHECK-NEXT: moe.linear %[[R]]#0, %[[O]]
// CHECK-NOT: moe.linear
// CHECK: return %{{.*}}, %[[R]]#1, %[[R]]#2
// CHECK: moe.parameter @q_qkv : tensor<96x64xbf16> {concat_keys = ["self_attn.k_proj.weight", "self_attn.v_proj.weight"], concat_rows = array<i64: 64, 16, 16>, key = "self_attn.q_proj.weight"}
// CHECK-NOT: moe.parameter @q :
// CHECK-NOT: moe.parameter @k :
// CHECK-NOT: moe.parameter @v :
module {
  func.func @qkv(%x: tensor<?x64xbf16>) -> (tensor<?x64xbf16>, tensor<?x16xbf16>, tensor<?x16xbf16>) {
    %wq = moe.load @q : tensor<64x64xbf16>
    %q = moe.linear %x, %wq : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
    %wo = moe.load @o : tensor<64x64xbf16>
    %y = moe.linear %q, %wo : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
    %wk = moe.load @k : tensor<16x64xbf16>
    %k = moe.linear %x, %wk : tensor<?x64xbf16>, tensor<16x64xbf16> -> tensor<?x16xbf16>
    %wv = moe.load @v : tensor<16x64xbf16>
    %v = moe.linear %x, %wv : tensor<?x64xbf16>, tensor<16x64xbf16> -> tensor<?x16xbf16>
    return %y, %k, %v : tensor<?x64xbf16>, tensor<?x16xbf16>, tensor<?x16xbf16>
  }
  moe.parameter @q : tensor<64x64xbf16> {key = "self_attn.q_proj.weight"}
  moe.parameter @k : tensor<16x64xbf16> {key = "self_attn.k_proj.weight"}
  moe.parameter @v : tensor<16x64xbf16> {key = "self_attn.v_proj.weight"}
  moe.parameter @o : tensor<64x64xbf16> {key = "self_attn.o_proj.weight"}
}

// -----

// Qwen's biased q/k/v: the biases join as the weights do.
// CHECK-LABEL: func.func @bias
// CHECK-NEXT: %[[W:.*]] = moe.load @q_qkv : tensor<96x64xf32>
// CHECK-NEXT: %[[B:.*]] = moe.load @qb_qkv : tensor<96xf32>
// CHECK-NEXT: %{{.*}}:3 = moe.linear %{{.*}}, %[[W]] bias(%[[B]] : tensor<96xf32>) {split = array<i64: 64, 16, 16>} : tensor<?x64xf32>, tensor<96x64xf32> -> tensor<?x64xf32>, tensor<?x16xf32>, tensor<?x16xf32>
// CHECK-NOT: moe.linear
// CHECK: moe.parameter @q_qkv : tensor<96x64xf32> {concat_keys = ["k.weight", "v.weight"], concat_rows = array<i64: 64, 16, 16>, key = "q.weight"}
// CHECK: moe.parameter @qb_qkv : tensor<96xf32> {concat_keys = ["k.bias", "v.bias"], concat_rows = array<i64: 64, 16, 16>, key = "q.bias"}
module {
  func.func @bias(%x: tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
    %wq = moe.load @q : tensor<64x64xf32>
    %bq = moe.load @qb : tensor<64xf32>
    %q = moe.linear %x, %wq bias(%bq : tensor<64xf32>) : tensor<?x64xf32>, tensor<64x64xf32> -> tensor<?x64xf32>
    %wk = moe.load @k : tensor<16x64xf32>
    %bk = moe.load @kb : tensor<16xf32>
    %k = moe.linear %x, %wk bias(%bk : tensor<16xf32>) : tensor<?x64xf32>, tensor<16x64xf32> -> tensor<?x16xf32>
    %wv = moe.load @v : tensor<16x64xf32>
    %bv = moe.load @vb : tensor<16xf32>
    %v = moe.linear %x, %wv bias(%bv : tensor<16xf32>) : tensor<?x64xf32>, tensor<16x64xf32> -> tensor<?x16xf32>
    return %q, %k, %v : tensor<?x64xf32>, tensor<?x16xf32>, tensor<?x16xf32>
  }
  moe.parameter @q : tensor<64x64xf32> {key = "q.weight"}
  moe.parameter @qb : tensor<64xf32> {key = "q.bias"}
  moe.parameter @k : tensor<16x64xf32> {key = "k.weight"}
  moe.parameter @kb : tensor<16xf32> {key = "k.bias"}
  moe.parameter @v : tensor<16x64xf32> {key = "v.weight"}
  moe.parameter @vb : tensor<16xf32> {key = "v.bias"}
}

// -----

// DeepSeek-V3's MLA q_a and kv_a in FP8 block-128: the weights and their
// scales join ([2, 1] + [1, 1]). kv_a's 80 rows are not a multiple of the
// block, so it is the last segment although it comes first, and its result
// is the fused op's second.
// CHECK-LABEL: func.func @mla_fp8
// CHECK-NEXT: %[[W:.*]] = moe.load @q_a_qkv : tensor<336x128xf8E4M3FN>
// CHECK-NEXT: %[[S:.*]] = moe.load @q_a_scale_qkv : tensor<3x1xf32>
// CHECK-NEXT: %[[R:.*]]:2 = moe.linear %{{.*}}, %[[W]] scales(%[[S]] : tensor<3x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, split = array<i64: 256, 80>} : tensor<?x128xbf16>, tensor<336x128xf8E4M3FN> -> tensor<?x256xbf16>, tensor<?x80xbf16>
// CHECK-NEXT: return %[[R]]#1, %[[R]]#0
// CHECK: moe.parameter @q_a_qkv : tensor<336x128xf8E4M3FN> {concat_keys = ["kv_a.weight"], concat_rows = array<i64: 256, 80>, key = "q_a.weight"}
// CHECK: moe.parameter @q_a_scale_qkv : tensor<3x1xf32> {concat_keys = ["kv_a.weight_scale_inv"], concat_rows = array<i64: 2, 1>, key = "q_a.weight_scale_inv"}
module {
  func.func @mla_fp8(%x: tensor<?x128xbf16>) -> (tensor<?x80xbf16>, tensor<?x256xbf16>) {
    %wkv = moe.load @kv_a : tensor<80x128xf8E4M3FN>
    %skv = moe.load @kv_a_scale : tensor<1x1xf32>
    %kv = moe.linear %x, %wkv scales(%skv : tensor<1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<80x128xf8E4M3FN> -> tensor<?x80xbf16>
    %wq = moe.load @q_a : tensor<256x128xf8E4M3FN>
    %sq = moe.load @q_a_scale : tensor<2x1xf32>
    %q = moe.linear %x, %wq scales(%sq : tensor<2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<256x128xf8E4M3FN> -> tensor<?x256xbf16>
    return %kv, %q : tensor<?x80xbf16>, tensor<?x256xbf16>
  }
  moe.parameter @kv_a : tensor<80x128xf8E4M3FN> {key = "kv_a.weight"}
  moe.parameter @kv_a_scale : tensor<1x1xf32> {key = "kv_a.weight_scale_inv"}
  moe.parameter @q_a : tensor<256x128xf8E4M3FN> {key = "q_a.weight"}
  moe.parameter @q_a_scale : tensor<2x1xf32> {key = "q_a.weight_scale_inv"}
}

// -----

// A parameter another op still loads stays; the group is the projections
// of one input that join (the bias-less pair), in program order.
// CHECK-LABEL: func.func @shared_param
// CHECK: %{{.*}}:2 = moe.linear %{{.*}}, %{{.*}} {split = array<i64: 16, 8>} : tensor<?x32xf32>, tensor<24x32xf32> -> tensor<?x16xf32>, tensor<?x8xf32>
// CHECK: moe.linear %{{.*}}, %{{.*}} bias(
// CHECK: moe.parameter @a : tensor<16x32xf32>
// CHECK-NEXT: moe.parameter @a_qkv : tensor<24x32xf32> {concat_keys = ["b.weight"], concat_rows = array<i64: 16, 8>, key = "a.weight"}
// CHECK-NOT: moe.parameter @b :
module {
  func.func @shared_param(%x: tensor<?x32xf32>, %y: tensor<?x32xf32>) -> (tensor<?x16xf32>, tensor<?x8xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
    %wa = moe.load @a : tensor<16x32xf32>
    %a = moe.linear %x, %wa : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    %wb = moe.load @b : tensor<8x32xf32>
    %b = moe.linear %x, %wb : tensor<?x32xf32>, tensor<8x32xf32> -> tensor<?x8xf32>
    %wc = moe.load @c : tensor<16x32xf32>
    %bc = moe.load @cb : tensor<16xf32>
    %c = moe.linear %x, %wc bias(%bc : tensor<16xf32>) : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    %wa2 = moe.load @a : tensor<16x32xf32>
    %a2 = moe.linear %y, %wa2 : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    return %a, %b, %c, %a2 : tensor<?x16xf32>, tensor<?x8xf32>, tensor<?x16xf32>, tensor<?x16xf32>
  }
  moe.parameter @a : tensor<16x32xf32> {key = "a.weight"}
  moe.parameter @b : tensor<8x32xf32> {key = "b.weight"}
  moe.parameter @c : tensor<16x32xf32> {key = "c.weight"}
  moe.parameter @cb : tensor<16xf32> {key = "c.bias"}
}

// -----

// No-op: the projections read different inputs.
// CHECK-LABEL: func.func @different_inputs
// CHECK-COUNT-2: moe.linear
// CHECK-NOT: split
module {
  func.func @different_inputs(%x: tensor<?x32xf32>, %y: tensor<?x32xf32>) -> (tensor<?x16xf32>, tensor<?x8xf32>) {
    %wa = moe.load @a : tensor<16x32xf32>
    %a = moe.linear %x, %wa : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    %wb = moe.load @b : tensor<8x32xf32>
    %b = moe.linear %y, %wb : tensor<?x32xf32>, tensor<8x32xf32> -> tensor<?x8xf32>
    return %a, %b : tensor<?x16xf32>, tensor<?x8xf32>
  }
  moe.parameter @a : tensor<16x32xf32> {key = "a.weight"}
  moe.parameter @b : tensor<8x32xf32> {key = "b.weight"}
}

// -----

// No-op: one projection of the input.
// CHECK-LABEL: func.func @one_linear
// CHECK: moe.linear
// CHECK-NOT: split
module {
  func.func @one_linear(%x: tensor<?x32xf32>) -> tensor<?x16xf32> {
    %wa = moe.load @a : tensor<16x32xf32>
    %a = moe.linear %x, %wa : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    return %a : tensor<?x16xf32>
  }
  moe.parameter @a : tensor<16x32xf32> {key = "a.weight"}
}

// -----

// No-op: the weights' element types differ.
// CHECK-LABEL: func.func @mismatched_dtypes
// CHECK-COUNT-2: moe.linear
// CHECK-NOT: split
module {
  func.func @mismatched_dtypes(%x: tensor<?x32xf32>) -> (tensor<?x16xf32>, tensor<?x8xf32>) {
    %wa = moe.load @a : tensor<16x32xf32>
    %a = moe.linear %x, %wa : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    %wb = moe.load @b : tensor<8x32xbf16>
    %b = moe.linear %x, %wb : tensor<?x32xf32>, tensor<8x32xbf16> -> tensor<?x8xf32>
    return %a, %b : tensor<?x16xf32>, tensor<?x8xf32>
  }
  moe.parameter @a : tensor<16x32xf32> {key = "a.weight"}
  moe.parameter @b : tensor<8x32xbf16> {key = "b.weight"}
}

// -----

// No-op: one weight is a slice of a stacked parameter, the other a pruned
// (sliced) parameter: neither is a plain checkpoint tensor to join.
// CHECK-LABEL: func.func @sliced_stacked
// CHECK-COUNT-3: moe.linear
// CHECK-NOT: split
module {
  func.func @sliced_stacked(%x: tensor<?x32xf32>) -> (tensor<?x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
    %ws = moe.load @stacked : tensor<2x16x32xf32>
    %w0 = tensor.extract_slice %ws[0, 0, 0] [1, 16, 32] [1, 1, 1] : tensor<2x16x32xf32> to tensor<16x32xf32>
    %a = moe.linear %x, %w0 : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    %wb = moe.load @pruned : tensor<8x32xf32>
    %b = moe.linear %x, %wb : tensor<?x32xf32>, tensor<8x32xf32> -> tensor<?x8xf32>
    %wc = moe.load @expert : tensor<1x8x32xf32>
    %wc2 = tensor.collapse_shape %wc [[0, 1], [2]] : tensor<1x8x32xf32> into tensor<8x32xf32>
    %c = moe.linear %x, %wc2 : tensor<?x32xf32>, tensor<8x32xf32> -> tensor<?x8xf32>
    return %a, %b, %c : tensor<?x16xf32>, tensor<?x8xf32>, tensor<?x8xf32>
  }
  moe.parameter @stacked : tensor<2x16x32xf32> {key = "experts.*.w"}
  moe.parameter @pruned : tensor<8x32xf32> {key = "b.weight", slices = array<i64: 0, 1, 2, 3, 8, 9, 10, 11>}
  moe.parameter @expert : tensor<1x8x32xf32> {key = "experts.*.c", slices = array<i64: 3>}
}

// -----

// No-op: a SwiGLU projection (moe-fuse-gate-up's), and a pair where one
// has a bias and the other not.
// CHECK-LABEL: func.func @swiglu_and_bias
// CHECK-COUNT-3: moe.linear
// CHECK-NOT: split
module {
  func.func @swiglu_and_bias(%x: tensor<?x32xf32>) -> (tensor<?x8xf32>, tensor<?x16xf32>, tensor<?x8xf32>) {
    %wgu = moe.load @gu : tensor<16x32xf32>
    %h = moe.linear %x, %wgu {swiglu} : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x8xf32>
    %wa = moe.load @a : tensor<16x32xf32>
    %ba = moe.load @ab : tensor<16xf32>
    %a = moe.linear %x, %wa bias(%ba : tensor<16xf32>) : tensor<?x32xf32>, tensor<16x32xf32> -> tensor<?x16xf32>
    %wb = moe.load @b : tensor<8x32xf32>
    %b = moe.linear %x, %wb : tensor<?x32xf32>, tensor<8x32xf32> -> tensor<?x8xf32>
    return %h, %a, %b : tensor<?x8xf32>, tensor<?x16xf32>, tensor<?x8xf32>
  }
  moe.parameter @gu : tensor<16x32xf32> {key = "gu.weight", concat_keys = ["u.weight"], concat_rows = array<i64: 8, 8>}
  moe.parameter @a : tensor<16x32xf32> {key = "a.weight"}
  moe.parameter @ab : tensor<16xf32> {key = "a.bias"}
  moe.parameter @b : tensor<8x32xf32> {key = "b.weight"}
}

// -----

// No-op: two FP8 projections whose rows are not whole scale blocks (only
// the last segment may be ragged).
// CHECK-LABEL: func.func @two_ragged
// CHECK-COUNT-2: moe.linear
// CHECK-NOT: split
module {
  func.func @two_ragged(%x: tensor<?x128xbf16>) -> (tensor<?x80xbf16>, tensor<?x64xbf16>) {
    %wa = moe.load @a : tensor<80x128xf8E4M3FN>
    %sa = moe.load @as : tensor<1x1xf32>
    %a = moe.linear %x, %wa scales(%sa : tensor<1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<80x128xf8E4M3FN> -> tensor<?x80xbf16>
    %wb = moe.load @b : tensor<64x128xf8E4M3FN>
    %sb = moe.load @bs : tensor<1x1xf32>
    %b = moe.linear %x, %wb scales(%sb : tensor<1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<64x128xf8E4M3FN> -> tensor<?x64xbf16>
    return %a, %b : tensor<?x80xbf16>, tensor<?x64xbf16>
  }
  moe.parameter @a : tensor<80x128xf8E4M3FN> {key = "a.weight"}
  moe.parameter @as : tensor<1x1xf32> {key = "a.weight_scale_inv"}
  moe.parameter @b : tensor<64x128xf8E4M3FN> {key = "b.weight"}
  moe.parameter @bs : tensor<1x1xf32> {key = "b.weight_scale_inv"}
}
