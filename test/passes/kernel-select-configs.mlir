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
// mma.sync tiles of 16 rows while the rows fit one warp tile (decode), 64
// to 64 rows, 128 beyond, each with as many stages as 48 KiB holds (at most
// 4); f32 activations take the FFMA kernel; the table's entry for its
// (n, k) replaces the heuristics.

module attributes {kernel.target = "sm_90a"} {
  moe.parameter @w : tensor<128x64xbf16>
  // CHECK-LABEL: func.func @gemm
  // TABLE-LABEL: func.func @gemm
  func.func @gemm(%a: memref<?x64xbf16>) -> memref<?x128xbf16> {
    %w = kernel.weight @w : memref<128x64xbf16>
    %c = kernel.buffer tokens(1) : memref<?x128xbf16>
    // CHECK: kernel.gemm
    // CHECK-SAME: config = [#kernel.config<max_tokens = 1, variant = "mma_sync", tile = [16, 128, 32], stages = 4, warps = 4, cluster = [1, 1]>
    // CHECK-SAME: #kernel.config<max_tokens = 16, variant = "mma_sync", tile = [16, 128, 32], stages = 4, warps = 4, cluster = [1, 1]>
    // CHECK-SAME: #kernel.config<max_tokens = 64, variant = "mma_sync", tile = [64, 128, 32], stages = 4, warps = 4, cluster = [1, 1]>
    // CHECK-SAME: #kernel.config<max_tokens = 256, variant = "mma_sync", tile = [128, 128, 32], stages = 3, warps = 8, cluster = [1, 1]>
    // CHECK-SAME: #kernel.config<max_tokens = 1024,
    // CHECK-SAME: #kernel.config<max_tokens = 4096,
    // CHECK-SAME: #kernel.config<max_tokens = 0, variant = "mma_sync", tile = [128, 128, 32], stages = 3, warps = 8, cluster = [1, 1]>]
    // TABLE: kernel.gemm
    // TABLE-SAME: config = [#kernel.config<max_tokens = 64, variant = "mma_sync", tile = [64, 128, 32], stages = 3, warps = 4, cluster = [1, 1]>, #kernel.config<max_tokens = 0, variant = "mma_sync", tile = [128, 128, 32], stages = 2, warps = 8, cluster = [1, 1]>]
    kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>)
                outs(%c : memref<?x128xbf16>)
                {epilogue = #kernel.epilogue<bias = false>}
    return %c : memref<?x128xbf16>
  }
}

// -----

// f32 activations: the FFMA kernel, 64-row tiles at most.

module attributes {kernel.target = "sm_90a"} {
  moe.parameter @w : tensor<128x64xf32>
  // CHECK-LABEL: func.func @gemm_f32
  func.func @gemm_f32(%a: memref<?x64xf32>) -> memref<?x128xf32> {
    %w = kernel.weight @w : memref<128x64xf32>
    %c = kernel.buffer tokens(1) : memref<?x128xf32>
    // CHECK: kernel.gemm
    // CHECK-SAME: config = [#kernel.config<max_tokens = 1, variant = "fma", tile = [16, 64, 32], stages = 4, warps = 4, cluster = [1, 1]>
    // CHECK-SAME: #kernel.config<max_tokens = 0, variant = "fma", tile = [64, 64, 32], stages = 3, warps = 4, cluster = [1, 1]>]
    kernel.gemm ins(%a, %w : memref<?x64xf32>, memref<128x64xf32>)
                outs(%c : memref<?x128xf32>)
                {epilogue = #kernel.epilogue<bias = false>}
    return %c : memref<?x128xf32>
  }
}

// -----

// Attention: tensor cores for bf16 head dims of whole mma tiles (16 query
// rows per warp, 4 warps), KV tiles as deep as two stages of K and V fit in
// 48 KiB; FFMA for f32.

module attributes {kernel.target = "sm_90a"} {
  // CHECK-LABEL: func.func @attention
  func.func @attention(%q: memref<?x8x192xbf16>, %k: memref<?x8x128xbf16>, %v: memref<?x8x128xbf16>, %kpe: memref<?x64xbf16>,
                       %qf: memref<?x4x64xf32>, %kf: memref<?x4x64xf32>) -> (memref<?x8x128xbf16>, memref<?x4x64xf32>) {
    %o = kernel.buffer tokens(1) : memref<?x8x128xbf16>
    // CHECK: kernel.attention
    // CHECK-SAME: config = [#kernel.config<max_tokens = 1, variant = "mma_sync_fa", tile = [64, 32], stages = 2, warps = 4, cluster = [1]>
    // CHECK-SAME: #kernel.config<max_tokens = 0, variant = "mma_sync_fa", tile = [64, 32], stages = 2, warps = 4, cluster = [1]>]
    kernel.attention ins(%q, %k, %v, %kpe : memref<?x8x192xbf16>, memref<?x8x128xbf16>, memref<?x8x128xbf16>, memref<?x64xbf16>) outs(%o : memref<?x8x128xbf16>) {scale = 0.0721 : f64, window = #moe.window<global>}
    %of = kernel.buffer tokens(1) : memref<?x4x64xf32>
    // CHECK: kernel.attention
    // CHECK-SAME: config = [#kernel.config<max_tokens = 1, variant = "fma_fa", tile = [16, 32], stages = 2, warps = 4, cluster = [1]>
    kernel.attention ins(%qf, %kf, %kf : memref<?x4x64xf32>, memref<?x4x64xf32>, memref<?x4x64xf32>) outs(%of : memref<?x4x64xf32>) {scale = 0.125 : f64, window = #moe.window<global>}
    return %o, %of : memref<?x8x128xbf16>, memref<?x4x64xf32>
  }
}

// -----

// An adaptive window is global up to L keys and slides above: the bucket
// holding the threshold splits there, so each variant runs one regime, and
// every variant names it. L = 100 splits (64, 256] into (64, 100] global
// and (100, 256] sliding; L = 64 is a bucket bound already; with two keys
// per token (keys 2·T) the split is at T = 50; with sinks the regime above
// is local_global; and L = 1 leaves one global bucket (T = 1).

module attributes {kernel.target = "sm_90a"} {
  // CHECK-LABEL: func.func @adaptive
  func.func @adaptive(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>) -> memref<?x4x16xbf16> {
    %o = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    // CHECK: kernel.attention
    // CHECK-SAME: config = [#kernel.config<max_tokens = 1, variant = "mma_sync_fa:global", tile = [64, 64], stages = 2, warps = 4, cluster = [1]>, #kernel.config<max_tokens = 16, variant = "mma_sync_fa:global", {{[^>]*}}>, #kernel.config<max_tokens = 64, variant = "mma_sync_fa:global", {{[^>]*}}>, #kernel.config<max_tokens = 100, variant = "mma_sync_fa:global", {{[^>]*}}>, #kernel.config<max_tokens = 256, variant = "mma_sync_fa:sliding", {{[^>]*}}>, #kernel.config<max_tokens = 1024, variant = "mma_sync_fa:sliding", {{[^>]*}}>, #kernel.config<max_tokens = 4096, variant = "mma_sync_fa:sliding", {{[^>]*}}>, #kernel.config<max_tokens = 0, variant = "mma_sync_fa:sliding", {{[^>]*}}>]
    kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<adaptive 8, threshold 100>}
    %o2 = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    // CHECK: kernel.attention
    // CHECK-SAME: #kernel.config<max_tokens = 64, variant = "mma_sync_fa:global", {{[^>]*}}>, #kernel.config<max_tokens = 256, variant = "mma_sync_fa:local_global", {{[^>]*}}>
    // CHECK-NOT: max_tokens = 65
    // CHECK-SAME: window = #moe.window<adaptive 8, threshold 64, sinks 2>
    kernel.attention ins(%o, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o2 : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<adaptive 8, threshold 64, sinks 2>}
    %kk = kernel.view %k [0] : memref<?x2x16xbf16> to memref<?x1x16xbf16>
    %o3 = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    // CHECK: kernel.attention
    // CHECK-SAME: #kernel.config<max_tokens = 16, variant = "mma_sync_fa:global", {{[^>]*}}>, #kernel.config<max_tokens = 50, variant = "mma_sync_fa:global", {{[^>]*}}>, #kernel.config<max_tokens = 64, variant = "mma_sync_fa:sliding", {{[^>]*}}>
    kernel.attention ins(%o2, %kk, %kk : memref<?x4x16xbf16>, memref<?x1x16xbf16>, memref<?x1x16xbf16>) outs(%o3 : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<adaptive 8, threshold 100>}
    %o4 = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    // CHECK: kernel.attention
    // CHECK-SAME: config = [#kernel.config<max_tokens = 1, variant = "mma_sync_fa:global", {{[^>]*}}>, #kernel.config<max_tokens = 16, variant = "mma_sync_fa:sliding", {{[^>]*}}>
    kernel.attention ins(%o3, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o4 : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<adaptive 8, threshold 1>}
    return %o4 : memref<?x4x16xbf16>
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
