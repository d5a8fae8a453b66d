// ds-interp evaluates @forward on the CPU reference: an embedding lookup and
// a linear layer with bias, on hand-made weights.
//
// RUN: %python %S/Inputs/st.py write %t.weights.safetensors \
// RUN:   "model.embed:F32:4x2=0,0,1,2,3,4,5,-1" "w:F32:3x2=1,0,0,1,1,1" "b:F32:3=0.5,0,-1"
// RUN: %python %S/Inputs/st.py write %t.in.safetensors "input_ids:I32:2=1,3"
// RUN: ds-interp %s --weights %t.weights.safetensors --inputs %t.in.safetensors -o %t.out.safetensors
// RUN: %python %S/Inputs/st.py print %t.out.safetensors | FileCheck %s

// x = [[1, 2], [5, -1]]; y = x·Wᵀ + b.
// CHECK: logits F32[2, 3] 1.5000 2.0000 2.0000 5.5000 -1.0000 3.0000

module {
  moe.parameter @embed : tensor<4x2xf32> {key = "model.embed"}
  moe.parameter @w : tensor<3x2xf32> {key = "w"}
  moe.parameter @b : tensor<3xf32> {key = "b"}
  func.func @forward(%ids: tensor<?xi32> {moe.name = "input_ids"})
      -> (tensor<?x3xf32> {moe.name = "logits"}) {
    %e = moe.load @embed : tensor<4x2xf32>
    %x = moe.embedding %e[%ids] : tensor<4x2xf32>, tensor<?xi32> -> tensor<?x2xf32>
    %w = moe.load @w : tensor<3x2xf32>
    %b = moe.load @b : tensor<3xf32>
    %y = moe.linear %x, %w bias(%b : tensor<3xf32>) : tensor<?x2xf32>, tensor<3x2xf32> -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
}
