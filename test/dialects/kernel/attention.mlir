// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @gqa
func.func @gqa(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>) {
  %o = kernel.buffer tokens(1) : memref<?x4x16xbf16>
  // CHECK: kernel.attention ins(%arg0, %arg1, %arg2 : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%{{.*}} : memref<?x4x16xbf16>) {scale = 2.500000e-01 : f64, window = #moe.window<sliding 8>}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<sliding 8>}
  return
}

// MLA: q [T, H, nope + rope], the shared rope key [T, rope], dv != dq.
// CHECK-LABEL: func.func @mla
func.func @mla(%q: memref<?x4x24xbf16>, %k: memref<?x4x16xbf16>, %v: memref<?x4x8xbf16>, %kpe: memref<?x8xbf16>) {
  %o = kernel.buffer tokens(1) : memref<?x4x8xbf16>
  // CHECK: kernel.attention ins(%arg0, %arg1, %arg2, %arg3 : memref<?x4x24xbf16>, memref<?x4x16xbf16>, memref<?x4x8xbf16>, memref<?x8xbf16>) outs(%{{.*}} : memref<?x4x8xbf16>) {scale = 1.250000e-01 : f64, window = #moe.window<global>}
  kernel.attention ins(%q, %k, %v, %kpe : memref<?x4x24xbf16>, memref<?x4x16xbf16>, memref<?x4x8xbf16>, memref<?x8xbf16>) outs(%o : memref<?x4x8xbf16>) {scale = 0.125 : f64, window = #moe.window<global>}
  return
}
