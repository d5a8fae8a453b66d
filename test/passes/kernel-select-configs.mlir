// RUN: ds-opt %s --split-input-file --kernel-select-configs | FileCheck %s
// RUN: ds-opt %s --split-input-file \
// RUN:   --kernel-select-configs=tuning-table=%S/Inputs/tuning-table.json \
// RUN:   | FileCheck %s --check-prefix=TABLE
// RUN: not ds-opt %s --split-input-file \
// RUN:   --kernel-select-configs=tuning-table=%S/Inputs/missing.json 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MISSING
// RUN: %python -c "print('{\"format\": \"ds-tuning-table\", \"version\": 1, \"target\": \"sm_90a\", \"entries\": [{\"op\": \"gemm\", \"dtype\": \"bf16\", \"buckets\": [{\"max_tokens\": 64, \"variant\": \"v\", \"tile\": [64], \"stages\": 2, \"warps\": 4, \"cluster\": [1]}]}]}')" > %t.unbounded.json
// RUN: not ds-opt %s --split-input-file \
// RUN:   --kernel-select-configs=tuning-table=%t.unbounded.json 2>&1 \
// RUN:   | FileCheck %s --check-prefix=UNBOUNDED
// RUN: %python -c "print('{\"format\": \"ds-tuning-table\", \"version\": 2, \"target\": \"sm_90a\", \"entries\": []}')" > %t.version.json
// RUN: not ds-opt %s --split-input-file \
// RUN:   --kernel-select-configs=tuning-table=%t.version.json 2>&1 \
// RUN:   | FileCheck %s --check-prefix=VERSION
// RUN: %python -c "print('{\"format\": \"ds-tuning-table\", \"version\": 1, \"target\": \"sm_80\", \"entries\": []}')" > %t.target.json
// RUN: not ds-opt %s --split-input-file \
// RUN:   --kernel-select-configs=tuning-table=%t.target.json 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TARGET
// RUN: %python -c "print('{\"format\": \"ds-tuning-table\", \"version\": 1, \"target\": \"sm_90a\", \"entries\": [{\"op\": \"gemm\", \"dtype\": \"bf16\", \"buckets\": [{\"max_tokens\": 0, \"variant\": \"v\", \"tile\": [0], \"stages\": 2, \"warps\": 4, \"cluster\": [1]}]}]}')" > %t.tile.json
// RUN: not ds-opt %s --split-input-file \
// RUN:   --kernel-select-configs=tuning-table=%t.tile.json 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TILE

// MISSING: kernel-select-configs: {{.*}}missing.json
// UNBOUNDED: $.entries[0].buckets[0].max_tokens: the last bucket must be unbounded (0)
// VERSION: $.version: version 2 is not supported (this ds reads version 1)
// TARGET: the tuning table {{.*}} is for sm_80, the module for sm_90a
// TILE: $.entries[0].buckets[0].tile: entries must be integers in [1, 65536]

// A GEMM gets one config per bucket (T <= 1, 16, 64, 256, 1024, 4096, any):
// warpgroup-MMA tiles of 64 rows while the rows fit, 128 beyond; the table's
// entry for its (n, k) replaces the heuristics.

module attributes {kernel.target = "sm_90a"} {
  moe.parameter @w : tensor<128x64xbf16>
  // CHECK-LABEL: func.func @gemm
  // TABLE-LABEL: func.func @gemm
  func.func @gemm(%a: memref<?x64xbf16>) -> memref<?x128xbf16> {
    %w = kernel.weight @w : memref<128x64xbf16>
    %c = kernel.buffer tokens(1) : memref<?x128xbf16>
    // CHECK: kernel.gemm
    // CHECK-SAME: config = [#kernel.config<max_tokens = 1, variant = "wgmma", tile = [64, 64, 64]
    // CHECK-SAME: #kernel.config<max_tokens = 16,
    // CHECK-SAME: #kernel.config<max_tokens = 64,
    // CHECK-SAME: #kernel.config<max_tokens = 256, variant = "wgmma", tile = [128,
    // CHECK-SAME: #kernel.config<max_tokens = 1024,
    // CHECK-SAME: #kernel.config<max_tokens = 4096,
    // CHECK-SAME: #kernel.config<max_tokens = 0, variant = "wgmma", tile = [128,
    // CHECK-SAME: cluster = [1, 1]>]
    // TABLE: kernel.gemm
    // TABLE-SAME: config = [#kernel.config<max_tokens = 64, variant = "wgmma_tuned", tile = [64, 128, 64], stages = 6, warps = 8, cluster = [1, 2]>, #kernel.config<max_tokens = 0, variant = "wgmma_tuned", tile = [128, 128, 64], stages = 4, warps = 12, cluster = [2, 1]>]
    kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>)
                outs(%c : memref<?x128xbf16>)
                {epilogue = #kernel.epilogue<bias = false>}
    return %c : memref<?x128xbf16>
  }
}

// -----

// Row-wise ops get one CTA per row; a config already set is kept.

module attributes {kernel.target = "sm_90a"} {
  moe.parameter @g : tensor<4096xbf16>
  // CHECK-LABEL: func.func @rowwise
  func.func @rowwise(%x: memref<?x4096xbf16>) -> memref<?x4096xbf16> {
    %g = kernel.weight @g : memref<4096xbf16>
    %y = kernel.buffer tokens(1) : memref<?x4096xbf16>
    %z = kernel.buffer tokens(1) : memref<?x4096xbf16>
    // CHECK: kernel.norm
    // CHECK-SAME: #kernel.config<max_tokens = 1, variant = "rowwise", tile = [1], stages = 1, warps = 16, cluster = [1]>
    kernel.norm ins(%x, %g : memref<?x4096xbf16>, memref<4096xbf16>)
                outs(%y : memref<?x4096xbf16>) {eps = 1.0e-06 : f64}
    // CHECK: kernel.elementwise neg
    // CHECK-SAME: config = [#kernel.config<max_tokens = 0, variant = "mine", tile = [2], stages = 1, warps = 2, cluster = [1]>]
    kernel.elementwise neg ins(%y : memref<?x4096xbf16>) outs(%z : memref<?x4096xbf16>)
        {config = [#kernel.config<max_tokens = 0, variant = "mine", tile = [2], stages = 1, warps = 2, cluster = [1]>]}
    return %z : memref<?x4096xbf16>
  }
}
