// An adaptive window's kernels (codegen/templates/AttentionTemplate.cpp):
// kernel-select-configs splits the buckets at the threshold (here T = 10),
// and each variant's kernel gets the window of its regime as literals
// (ds::variantWindow): kind 0 (global) for T <= 10, kind 3 (local_global 4,
// sinks 2) above. Two kernels, each used by the variants of one regime.
// RUN: ds-opt %s --kernel-select-configs --kernel-plan-buffers | ds-translate --kernel-to-cuda | FileCheck %s
// The configs that break this: kernel-to-cuda-adaptive-invalid.mlir.

// CHECK-LABEL: // ===== kernel ds_attention_bf16_{{[0-9a-f]+}}
// CHECK-NEXT: // used by @forward #0 (T <= 1), @forward #0 (T <= 10){{$}}
// CHECK: ds::attentionKernel<__nv_bfloat16, 64, 64, 4, 16, 16, false>({{.*}}, 4, 2, 16, 0, 2.500000000e-01f, 0, 0, 0, {{v[0-9]+}});
// CHECK-LABEL: // ===== kernel ds_attention_bf16_{{[0-9a-f]+}}
// CHECK-NEXT: // used by @forward #0 (T <= 16), @forward #0 (T <= 64), {{.*}}, @forward #0{{$}}
// CHECK: ds::attentionKernel<__nv_bfloat16, 64, 64, 4, 16, 16, false>({{.*}}, 4, 2, 16, 0, 2.500000000e-01f, 3, 4, 2, {{v[0-9]+}});
// CHECK-NOT: ===== kernel
module attributes {kernel.target = "sm_90a", moe.max_tokens = 256 : i64} {
  func.func @forward(%q: memref<?x4x16xbf16> {moe.name = "q"},
                     %k: memref<?x2x16xbf16> {moe.name = "k"},
                     %v: memref<?x2x16xbf16> {moe.name = "v"})
      -> (memref<?x4x16xbf16> {moe.name = "o"}) {
    %o = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<adaptive 4, threshold 10, sinks 2>}
    return %o : memref<?x4x16xbf16>
  }
}
