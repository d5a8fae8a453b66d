// RUN: ds-opt %s --split-input-file --moe-attention-window | FileCheck %s --check-prefix=CONFIG
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=config | FileCheck %s --check-prefix=CONFIG
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=uniform=4 | FileCheck %s --check-prefix=UNIFORM
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=local-global=4:2 | FileCheck %s --check-prefix=LG
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=local-global=4:3:2 | FileCheck %s --check-prefix=SINKS
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=local-global=4:1 | FileCheck %s --check-prefix=ALLGLOBAL
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=adaptive=4:32 | FileCheck %s --check-prefix=ADAPTIVE
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=adaptive=4:32:2 | FileCheck %s --check-prefix=ASINKS
// The printed adaptive windows parse back to the same module.
// RUN: ds-opt %s --split-input-file --moe-attention-window=policy=adaptive=4:32:2 -o %t.adaptive.mlir
// RUN: ds-opt %t.adaptive.mlir --split-input-file -o %t.adaptive.again.mlir
// RUN: cmp %t.adaptive.mlir %t.adaptive.again.mlir
// The default policy changes nothing: the output is the unchanged module's.
// RUN: ds-opt %s --split-input-file -o %t.plain.mlir
// RUN: ds-opt %s --split-input-file --moe-attention-window -o %t.config.mlir
// RUN: cmp %t.plain.mlir %t.config.mlir
// RUN: ds-opt %s --split-input-file --pass-pipeline='builtin.module(moe-attention-window{policy=uniform=16})' | FileCheck %s --check-prefix=PIPELINE

// Four layers of GQA attention (4 query heads, 2 kv heads) with the windows
// an import gives: sliding, global, chunked and local_global.

// CONFIG-LABEL: func.func @four_layers
// CONFIG: window(<sliding 8>)
// CONFIG: window(<global>)
// CONFIG: window(<chunked 16>)
// CONFIG: window(<local_global 8, sinks 2>)
// CONFIG-NOT: moe.attention

// Every layer slides over 4 keys, whatever its window was.
// UNIFORM-LABEL: func.func @four_layers
// UNIFORM-COUNT-4: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<sliding 4>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
// UNIFORM-NOT: moe.attention

// Layers 1 and 3 (every 2nd) are global, layers 0 and 2 slide.
// LG-LABEL: func.func @four_layers
// LG: %[[A:.*]] = moe.attention {{.*}} window(<sliding 4>)
// LG: %[[B:.*]] = moe.attention {{.*}} window(<global>)
// LG: %[[C:.*]] = moe.attention {{.*}} window(<sliding 4>)
// LG: %[[D:.*]] = moe.attention {{.*}} window(<global>)
// LG-NOT: moe.attention

// Layer 2 (every 3rd) is global; the others slide over 4 keys plus 2 sinks.
// SINKS-LABEL: func.func @four_layers
// SINKS: moe.attention {{.*}} window(<local_global 4, sinks 2>)
// SINKS: moe.attention {{.*}} window(<local_global 4, sinks 2>)
// SINKS: moe.attention {{.*}} window(<global>)
// SINKS: moe.attention {{.*}} window(<local_global 4, sinks 2>)
// SINKS-NOT: moe.attention

// n = 1: every layer is global.
// ALLGLOBAL-LABEL: func.func @four_layers
// ALLGLOBAL-COUNT-4: window(<global>)
// ALLGLOBAL-NOT: moe.attention

// PIPELINE-LABEL: func.func @four_layers
// PIPELINE-COUNT-4: window(<sliding 16>)

// Every layer is global up to 32 keys and slides over 4 above (the regime
// is chosen at run time); with sinks, local_global 4 sinks 2 above.
// ADAPTIVE-LABEL: func.func @four_layers
// ADAPTIVE-COUNT-4: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<adaptive 4, threshold 32>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
// ADAPTIVE-NOT: moe.attention
// ASINKS-LABEL: func.func @four_layers
// ASINKS-COUNT-4: window(<adaptive 4, threshold 32, sinks 2>)
// ASINKS-NOT: moe.attention
module attributes {moe.config = {max_position_embeddings = 128 : i64}} {
  func.func @four_layers(%q: tensor<?x4x16xf32>, %k: tensor<?x2x16xf32>,
                         %v: tensor<?x2x16xf32>) -> tensor<?x4x16xf32> {
    %a = moe.attention %q, %k, %v scale(0.25) window(<sliding 8>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
    %b = moe.attention %a, %k, %v scale(0.25) window(<global>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
    %c = moe.attention %b, %k, %v scale(0.25) window(<chunked 16>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
    %d = moe.attention %c, %k, %v scale(0.25) window(<local_global 8, sinks 2>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
    return %d : tensor<?x4x16xf32>
  }
}

// -----

// MLA: the shared key, the scale and the head dims (q 32, v 24) are kept.
// Layers are counted per function: each function's layer 1 is its global one.

// CONFIG-LABEL: func.func @mla
// CONFIG-COUNT-2: window(<global>)
// CONFIG-LABEL: func.func @second_function
// CONFIG: window(<sliding 8>)

// UNIFORM-LABEL: func.func @mla
// UNIFORM-SAME: (%[[Q:.*]]: tensor<?x4x32xf32>, %[[K:.*]]: tensor<?x4x16xf32>, %[[V:.*]]: tensor<?x4x24xf32>, %[[PE:.*]]: tensor<?x16xf32>)
// UNIFORM: moe.attention %[[Q]], %[[K]], %[[V]] shared_key(%[[PE]] : tensor<?x16xf32>) scale(0.229186918311895) window(<sliding 4>) : tensor<?x4x32xf32>, tensor<?x4x16xf32>, tensor<?x4x24xf32> -> tensor<?x4x24xf32>
// UNIFORM: moe.attention %[[Q]], %[[K]], %[[V]] shared_key(%[[PE]] : tensor<?x16xf32>) scale(0.229186918311895) window(<sliding 4>) : tensor<?x4x32xf32>, tensor<?x4x16xf32>, tensor<?x4x24xf32> -> tensor<?x4x24xf32>
// UNIFORM-LABEL: func.func @second_function
// UNIFORM: window(<sliding 4>)

// LG-LABEL: func.func @mla
// LG: moe.attention {{.*}} shared_key(%{{.*}} : tensor<?x16xf32>) scale(0.229186918311895) window(<sliding 4>) : tensor<?x4x32xf32>, tensor<?x4x16xf32>, tensor<?x4x24xf32> -> tensor<?x4x24xf32>
// LG: moe.attention {{.*}} shared_key(%{{.*}} : tensor<?x16xf32>) scale(0.229186918311895) window(<global>) : tensor<?x4x32xf32>, tensor<?x4x16xf32>, tensor<?x4x24xf32> -> tensor<?x4x24xf32>
// LG-LABEL: func.func @second_function
// LG: window(<sliding 4>)
// LG-NOT: moe.attention

// SINKS-LABEL: func.func @mla
// SINKS-COUNT-2: shared_key(%{{.*}} : tensor<?x16xf32>) scale(0.229186918311895) window(<local_global 4, sinks 2>)

// ALLGLOBAL-LABEL: func.func @mla
// ALLGLOBAL-COUNT-2: shared_key(%{{.*}} : tensor<?x16xf32>) scale(0.229186918311895) window(<global>)
// ALLGLOBAL-LABEL: func.func @second_function
// ALLGLOBAL: window(<global>)

// ADAPTIVE-LABEL: func.func @mla
// ADAPTIVE-SAME: (%[[Q:.*]]: tensor<?x4x32xf32>, %[[K:.*]]: tensor<?x4x16xf32>, %[[V:.*]]: tensor<?x4x24xf32>, %[[PE:.*]]: tensor<?x16xf32>)
// ADAPTIVE-COUNT-2: moe.attention %[[Q]], %[[K]], %[[V]] shared_key(%[[PE]] : tensor<?x16xf32>) scale(0.229186918311895) window(<adaptive 4, threshold 32>) : tensor<?x4x32xf32>, tensor<?x4x16xf32>, tensor<?x4x24xf32> -> tensor<?x4x24xf32>
// ADAPTIVE-LABEL: func.func @second_function
// ADAPTIVE: window(<adaptive 4, threshold 32>)
// ASINKS-LABEL: func.func @mla
// ASINKS-COUNT-2: shared_key(%{{.*}} : tensor<?x16xf32>) scale(0.229186918311895) window(<adaptive 4, threshold 32, sinks 2>)
module attributes {moe.max_tokens = 64 : i64} {
  func.func @mla(%q: tensor<?x4x32xf32>, %k: tensor<?x4x16xf32>, %v: tensor<?x4x24xf32>,
                 %pe: tensor<?x16xf32>) -> (tensor<?x4x24xf32>, tensor<?x4x24xf32>) {
    %a = moe.attention %q, %k, %v shared_key(%pe : tensor<?x16xf32>) scale(0.229186918311895) window(<global>)
        : tensor<?x4x32xf32>, tensor<?x4x16xf32>, tensor<?x4x24xf32> -> tensor<?x4x24xf32>
    %b = moe.attention %q, %k, %v shared_key(%pe : tensor<?x16xf32>) scale(0.229186918311895) window(<global>)
        : tensor<?x4x32xf32>, tensor<?x4x16xf32>, tensor<?x4x24xf32> -> tensor<?x4x24xf32>
    return %a, %b : tensor<?x4x24xf32>, tensor<?x4x24xf32>
  }
  func.func @second_function(%q: tensor<?x4x16xf32>, %k: tensor<?x1x16xf32>,
                             %v: tensor<?x1x16xf32>) -> tensor<?x4x16xf32> {
    %a = moe.attention %q, %k, %v scale(0.25) window(<sliding 8>)
        : tensor<?x4x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32> -> tensor<?x4x16xf32>
    return %a : tensor<?x4x16xf32>
  }
}

// -----

// A function without attention is left alone by every policy.
// CONFIG-LABEL: func.func @no_attention
// CONFIG-NEXT: moe.rms_norm
// UNIFORM-LABEL: func.func @no_attention
// UNIFORM-NEXT: moe.rms_norm
// UNIFORM-NEXT: return
// LG-LABEL: func.func @no_attention
// LG-NEXT: moe.rms_norm
// LG-NEXT: return
// ADAPTIVE-LABEL: func.func @no_attention
// ADAPTIVE-NEXT: moe.rms_norm
// ADAPTIVE-NEXT: return
func.func @no_attention(%x: tensor<?x16xf32>, %w: tensor<16xf32>) -> tensor<?x16xf32> {
  %y = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x16xf32>, tensor<16xf32>
  return %y : tensor<?x16xf32>
}
