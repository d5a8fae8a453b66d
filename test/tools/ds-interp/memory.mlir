// Sizes from the IR never abort or allocate absurd amounts: negative and
// overflowing dynamic sizes of tensor.splat / tensor.empty are located errors,
// a huge splat constant is refused before it is materialized, the estimated
// peak is checked against --max-memory before the run, and every value as it
// is allocated (each function below is one case).
//
// RUN: %python %S/Inputs/st.py write %t.in.safetensors "x:F32:2x3=1,2,3,4,5,6"
// RUN: %python %S/Inputs/st.py write %t.w.safetensors "unused:F32:1=0"
// DEFINE: %{run} = not ds-interp %s --weights %t.w.safetensors --inputs %t.in.safetensors -o %t.out
//
// RUN: %{run} --entry negative_splat 2>&1 | FileCheck %s --check-prefix=NEG_SPLAT
// NEG_SPLAT: memory.mlir:[[#@LINE+31]]:{{[0-9]+}}: error: result of 'tensor.splat': shape [-5, 3]: dim 0 is negative (-5)
// RUN: %{run} --entry negative_empty 2>&1 | FileCheck %s --check-prefix=NEG_EMPTY
// NEG_EMPTY: error: result of 'tensor.empty': shape [-1]: dim 0 is negative (-1)
// RUN: %{run} --entry overflowing_splat 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// OVERFLOW: error: result of 'tensor.splat': shape [9223372036854775807, 3] has more than 1099511627776 elements (the limit of one tensor)
// RUN: %{run} --entry negative_expand 2>&1 | FileCheck %s --check-prefix=NEG_EXPAND
// NEG_EXPAND: error: reshape of F32[2, 3]: shape [-2, -3, 3]: dim 0 is negative (-2)
// RUN: %{run} --entry huge_splat --max-memory=64M 2>&1 | FileCheck %s --check-prefix=HUGE_SPLAT
// HUGE_SPLAT: error: result of 'tensor.splat' needs 1.1 GiB (1200000000 bytes), above the memory limit: {{.*}} live of 64.0 MiB (67108864 bytes) (--max-memory)
//
// A splat constant of 1e11 elements: refused by the estimate, before it is
// materialized; one above the element ceiling by the estimate's size check.
// RUN: %{run} --entry huge_constant 2>&1 | FileCheck %s --check-prefix=HUGE_CONSTANT
// HUGE_CONSTANT: error: estimated peak memory 372.5 GiB (400000000020 bytes) for T = 2 is above the memory limit
// HUGE_CONSTANT: note: the peak is reached at this 'arith.constant'
// RUN: %{run} --entry too_many_elements 2>&1 | FileCheck %s --check-prefix=CEILING
// CEILING: error: memory estimate for T = 2: result of 'arith.constant': shape [2000000000000] has more than 1099511627776 elements
//
// The estimate: 4 MiB for the empty tensor, plus the input.
// RUN: %{run} --entry big_empty --max-memory=1M 2>&1 | FileCheck %s --check-prefix=ESTIMATE
// ESTIMATE: error: estimated peak memory 4.0 MiB (4194328 bytes) for T = 2 is above the memory limit 1.0 MiB (1048576 bytes) (--max-memory); the parameters decoded to fp32 take 0 bytes in all
// RUN: ds-interp %s --weights %t.w.safetensors --inputs %t.in.safetensors -o %t.out --entry big_empty --max-memory=8M
//
// Bad --max-memory values.
// RUN: %{run} --entry big_empty --max-memory=12Q 2>&1 | FileCheck %s --check-prefix=BAD_LIMIT
// BAD_LIMIT: ds-interp: error: --max-memory: memory size '12Q': unknown suffix (expected bytes with an optional K, M, G or T suffix, e.g. 64G)

module {
  func.func @negative_splat(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<?x3xf32> {
    %v = arith.constant 1.0 : f32
    %n = arith.constant -5 : index
    %s = tensor.splat %v[%n] : tensor<?x3xf32>
    return %s : tensor<?x3xf32>
  }
  func.func @negative_empty(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<?xf32> {
    %n = arith.constant -1 : index
    %e = tensor.empty(%n) : tensor<?xf32>
    return %e : tensor<?xf32>
  }
  func.func @overflowing_splat(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<?x3xf32> {
    %v = arith.constant 1.0 : f32
    %n = arith.constant 9223372036854775807 : index
    %s = tensor.splat %v[%n] : tensor<?x3xf32>
    return %s : tensor<?x3xf32>
  }
  func.func @negative_expand(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<?x?xf32> {
    %n = arith.constant -2 : index
    %m = arith.constant -3 : index
    %e = tensor.expand_shape %x [[0, 1], [2]] output_shape [%n, %m, 3] : tensor<?x3xf32> into tensor<?x?x3xf32>
    %c = tensor.collapse_shape %e [[0], [1, 2]] : tensor<?x?x3xf32> into tensor<?x?xf32>
    return %c : tensor<?x?xf32>
  }
  func.func @huge_splat(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<?x3xf32> {
    %v = arith.constant 1.0 : f32
    %n = arith.constant 100000000 : index
    %s = tensor.splat %v[%n] : tensor<?x3xf32>
    return %s : tensor<?x3xf32>
  }
  func.func @huge_constant(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<99999999999xf32> {
    %c = arith.constant dense<1.0> : tensor<99999999999xf32>
    return %c : tensor<99999999999xf32>
  }
  func.func @too_many_elements(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<2000000000000xf32> {
    %c = arith.constant dense<1.0> : tensor<2000000000000xf32>
    return %c : tensor<2000000000000xf32>
  }
  func.func @big_empty(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<1024x1024xf32> {
    %e = tensor.empty() : tensor<1024x1024xf32>
    return %e : tensor<1024x1024xf32>
  }
}
