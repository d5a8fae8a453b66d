// A function ds-interp cannot feed (a scalar argument) is an error naming the
// argument, not a crash.
//

module {
  func.func @forward(%x: tensor<?xf32> {moe.name = "x"}, %s: f32 {moe.name = "s"})
      -> (tensor<?xf32> {moe.name = "y"}) {
    return %x : tensor<?xf32>
  }
}

// Scalar arithmetic is outside what ds-interp evaluates: a located error.
// SCALAR: scalar-arith.mlir:5:{{[0-9]+}}: error: ds-interp evaluates 'arith.addf' on tensors only
