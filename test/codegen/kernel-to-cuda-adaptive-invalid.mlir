// A config of an adaptive attention whose bucket holds the threshold runs
// two regimes, and a variant may not name the wrong regime: each a located
// error at the launch (ds::variantWindow, which the module verifier applies
// too).
// RUN: ds-opt %s --split-input-file --kernel-plan-buffers | not ds-translate --split-input-file --kernel-to-cuda 2>&1 | FileCheck %s

// CHECK: :{{[0-9]+}}:5: error: cannot generate the kernel: {{.*}}variants[0]: the adaptive window's threshold 10 falls inside the bucket (T in [1, 64]): it runs global and sliding attention
module attributes {kernel.target = "sm_90a"} {
  func.func @forward(%q: memref<?x4x16xbf16> {moe.name = "q"},
                     %k: memref<?x2x16xbf16> {moe.name = "k"},
                     %v: memref<?x2x16xbf16> {moe.name = "v"})
      -> (memref<?x4x16xbf16> {moe.name = "o"}) {
    %o = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>)
        {config = [#kernel.config<max_tokens = 64, variant = "mma_sync_fa", tile = [64, 64], stages = 2, warps = 4, cluster = [1]>, #kernel.config<max_tokens = 0, variant = "mma_sync_fa", tile = [64, 64], stages = 2, warps = 4, cluster = [1]>],
         scale = 0.25 : f64, window = #moe.window<adaptive 4, threshold 10>}
    return %o : memref<?x4x16xbf16>
  }
}

// -----

// CHECK: :{{[0-9]+}}:5: error: cannot generate the kernel: {{.*}}variants[1].config.variant: 'mma_sync_fa:global' names the regime 'global', but T >= 11 runs sliding attention
module attributes {kernel.target = "sm_90a"} {
  func.func @forward(%q: memref<?x4x16xbf16> {moe.name = "q"},
                     %k: memref<?x2x16xbf16> {moe.name = "k"},
                     %v: memref<?x2x16xbf16> {moe.name = "v"})
      -> (memref<?x4x16xbf16> {moe.name = "o"}) {
    %o = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>)
        {config = [#kernel.config<max_tokens = 10, variant = "mma_sync_fa:global", tile = [64, 64], stages = 2, warps = 4, cluster = [1]>, #kernel.config<max_tokens = 0, variant = "mma_sync_fa:global", tile = [64, 64], stages = 2, warps = 4, cluster = [1]>],
         scale = 0.25 : f64, window = #moe.window<adaptive 4, threshold 10>}
    return %o : memref<?x4x16xbf16>
  }
}
