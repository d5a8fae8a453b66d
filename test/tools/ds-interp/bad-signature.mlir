// A function ds-interp cannot feed (a scalar argument) is an error naming the
// argument, not a crash.
//
// RUN: %python %S/Inputs/st.py write %t.w.safetensors "unused:F32:1=0"
// RUN: %python %S/Inputs/st.py write %t.in.safetensors "x:F32:2=1,2"
// RUN: not ds-interp %s --weights %t.w.safetensors --inputs %t.in.safetensors -o %t.out 2>&1 | FileCheck %s
// CHECK: ds-interp: error: {{.*}}in.safetensors: argument 1 of @forward is f32, not a ranked tensor of a checkpoint dtype

module {
  func.func @forward(%x: tensor<?xf32> {moe.name = "x"}, %s: f32 {moe.name = "s"})
      -> (tensor<?xf32> {moe.name = "y"}) {
    return %x : tensor<?xf32>
  }
}

// Scalar arithmetic is outside what ds-interp evaluates: a located error.
// RUN: %python %S/Inputs/st.py write %t.in2.safetensors "x:F32:2=1,2"
// RUN: not ds-interp %S/Inputs/scalar-arith.mlir --weights %t.w.safetensors --inputs %t.in2.safetensors -o %t.out 2>&1 | FileCheck %s --check-prefix=SCALAR
// SCALAR: scalar-arith.mlir:5:{{[0-9]+}}: error: ds-interp evaluates 'arith.addf' on tensors only
