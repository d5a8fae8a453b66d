// Parameters are decoded on use and dropped after their last use: two 256-byte
// weights never live together, so a run needs 320 bytes, not the 512 of all
// parameters plus activations.
//
// RUN: %python %S/Inputs/st.py write %t.w.safetensors "w1:F32:8x8=0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5" "w2:F32:8x8=0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5"
// RUN: %python %S/Inputs/st.py write %t.in.safetensors "x:F32:1x8=1,1,1,1,1,1,1,1"
// RUN: ds-interp %s --weights %t.w.safetensors --inputs %t.in.safetensors -o %t.out --max-memory=400
// RUN: %python %S/Inputs/st.py print %t.out | FileCheck %s
// CHECK: y F32[1, 8] 16.0000 16.0000 16.0000 16.0000 16.0000 16.0000 16.0000 16.0000
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.in.safetensors -o %t.out --max-memory=319 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: error: estimated peak memory 320 bytes for T = 1 is above the memory limit 319 bytes (--max-memory); the parameters decoded to fp32 take 512 bytes in all

module {
  moe.parameter @w1 : tensor<8x8xf32> {key = "w1"}
  moe.parameter @w2 : tensor<8x8xf32> {key = "w2"}
  func.func @forward(%x: tensor<?x8xf32> {moe.name = "x"}) -> (tensor<?x8xf32> {moe.name = "y"}) {
    %w1 = moe.load @w1 : tensor<8x8xf32>
    %h = moe.linear %x, %w1 : tensor<?x8xf32>, tensor<8x8xf32> -> tensor<?x8xf32>
    %w2 = moe.load @w2 : tensor<8x8xf32>
    %y = moe.linear %h, %w2 : tensor<?x8xf32>, tensor<8x8xf32> -> tensor<?x8xf32>
    return %y : tensor<?x8xf32>
  }
}
