// Bad inputs and weights give an error naming the tensor, never a crash or a
// silently wrong answer.
//
// RUN: %python %S/Inputs/st.py write %t.w.safetensors "embed:F32:4x2=0,0,1,2,3,4,5,-1" "w:F32:3x2=1,0,0,1,1,1"
// RUN: %python %S/Inputs/st.py write %t.ok.safetensors "input_ids:I32:2=1,3"

// A token id outside the vocabulary.
// RUN: %python %S/Inputs/st.py write %t.range.safetensors "input_ids:I32:3=1,4,0"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.range.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: errors.mlir:[[@LINE+46]]:{{[0-9]+}}: error: {{.*}}4
// RUN: %python %S/Inputs/st.py write %t.neg.safetensors "input_ids:I32:2=-1,0"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.neg.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=NEG
// NEG: errors.mlir:[[@LINE+43]]:{{[0-9]+}}: error: {{.*}}-1

// Inputs of the wrong dtype or rank, or missing.
// RUN: %python %S/Inputs/st.py write %t.f32.safetensors "input_ids:F32:2=1,3"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.f32.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: ds-interp: error: {{.*}}f32.safetensors: tensor 'input_ids' is F32[2], argument 0 of @forward is tensor<?xi32>
// RUN: %python %S/Inputs/st.py write %t.rank.safetensors "input_ids:I32:1x2=1,3"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.rank.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: ds-interp: error: {{.*}}: tensor 'input_ids' is I32[1, 2], argument 0 of @forward is tensor<?xi32>
// RUN: %python %S/Inputs/st.py write %t.none.safetensors "ids:I32:2=1,3"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.none.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=NO_INPUT
// NO_INPUT: ds-interp: error: {{.*}}: no tensor 'input_ids' for argument 0 of @forward

// A parameter missing from the weights, or of the wrong shape or dtype.
// RUN: %python %S/Inputs/st.py write %t.partial.safetensors "embed:F32:4x2=0,0,1,2,3,4,5,-1"
// RUN: not ds-interp %s --weights %t.partial.safetensors --inputs %t.ok.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: errors.mlir:[[@LINE+28]]:{{[0-9]+}}: error: parameter @w: tensor 'w' is missing from the checkpoint
// RUN: %python %S/Inputs/st.py write %t.shape.safetensors "embed:F32:4x2=0,0,1,2,3,4,5,-1" "w:F32:2x3=1,0,0,1,1,1"
// RUN: not ds-interp %s --weights %t.shape.safetensors --inputs %t.ok.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: parameter @w: tensor 'w' is F32[2, 3], expected F32[3, 2]
// RUN: %python %S/Inputs/st.py write %t.bf16.safetensors "embed:F32:4x2=0,0,1,2,3,4,5,-1" "w:BF16:3x2=1,0,0,1,1,1"
// RUN: not ds-interp %s --weights %t.bf16.safetensors --inputs %t.ok.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=WDTYPE
// WDTYPE: error: parameter @w: tensor 'w' is BF16[3, 2], expected F32[3, 2]

// Files that do not exist, and an unknown entry function.
// RUN: not ds-interp %s --weights %t.nothing --inputs %t.ok.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=NO_WEIGHTS
// NO_WEIGHTS: ds-interp: error: {{.*}}nothing
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.nothing -o %t.out 2>&1 | FileCheck %s --check-prefix=NO_INPUTS
// NO_INPUTS: ds-interp: error: {{.*}}nothing
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.ok.safetensors -o %t.out --entry main 2>&1 | FileCheck %s --check-prefix=ENTRY
// ENTRY: ds-interp: error: no function @main with a body in

// Success writes the output.
// RUN: rm -f %t.out && ds-interp %s --weights %t.w.safetensors --inputs %t.ok.safetensors -o %t.out
// RUN: %python %S/Inputs/st.py print %t.out | FileCheck %s --check-prefix=OK
// OK: logits F32[2, 3] 1.0000 2.0000 3.0000 5.0000 -1.0000 4.0000

module {
  moe.parameter @embed : tensor<4x2xf32> {key = "embed"}
  moe.parameter @w : tensor<3x2xf32> {key = "w"}
  func.func @forward(%ids: tensor<?xi32> {moe.name = "input_ids"})
      -> (tensor<?x3xf32> {moe.name = "logits"}) {
    %e = moe.load @embed : tensor<4x2xf32>
    %x = moe.embedding %e[%ids] : tensor<4x2xf32>, tensor<?xi32> -> tensor<?x2xf32>
    %w = moe.load @w : tensor<3x2xf32>
    %y = moe.linear %x, %w : tensor<?x2xf32>, tensor<3x2xf32> -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
}
