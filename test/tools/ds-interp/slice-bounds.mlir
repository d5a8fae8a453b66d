// tensor.extract_slice with dynamic offsets, sizes and strides that are
// negative or overflow `offset + (size - 1) * stride` is a located error, not
// an out-of-bounds read (each function below is one case).
//
// RUN: %python %S/Inputs/st.py write %t.in.safetensors "x:F32:2x3=1,2,3,4,5,6"
// RUN: %python %S/Inputs/st.py write %t.w.safetensors "unused:F32:1=0"
// DEFINE: %{run} = not ds-interp %s --weights %t.w.safetensors --inputs %t.in.safetensors -o %t.out
// RUN: %{run} --entry negative_offset 2>&1 | FileCheck %s --check-prefix=NEG_OFFSET
// NEG_OFFSET: slice-bounds.mlir:[[#@LINE+17]]:{{[0-9]+}}: error: tensor.extract_slice: dim 0 (offset -1, size 1, stride 1) has a negative offset of source F32[2, 3]
// RUN: %{run} --entry negative_size 2>&1 | FileCheck %s --check-prefix=NEG_SIZE
// NEG_SIZE: error: tensor.extract_slice: dim 1 (offset 0, size -2, stride 1) has a negative size
// RUN: %{run} --entry overflowing_stride 2>&1 | FileCheck %s --check-prefix=STRIDE
// STRIDE: error: tensor.extract_slice: dim 1 (offset 1, size 2, stride 9223372036854775807) reaches outside the size of source F32[2, 3]
// RUN: %{run} --entry overflowing_offset 2>&1 | FileCheck %s --check-prefix=OFFSET
// OFFSET: error: tensor.extract_slice: dim 1 (offset 9223372036854775807, size 2, stride 1) reaches outside
// RUN: %{run} --entry huge_size 2>&1 | FileCheck %s --check-prefix=SIZE
// SIZE: error: tensor.extract_slice: dim 0 (offset 0, size 4611686018427387904, stride 1) reaches outside
// RUN: %{run} --entry zero_stride 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: tensor.extract_slice: dim 1 (offset 0, size 2, stride 0) has a stride below 1
// RUN: %{run} --entry bad_dim 2>&1 | FileCheck %s --check-prefix=DIM
// DIM: error: tensor.dim: dim index 5 is out of range for F32[2, 3]

module {
  func.func @negative_offset(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<1x3xf32> {
    %c = arith.constant -1 : index
    %s = tensor.extract_slice %x[%c, 0] [1, 3] [1, 1] : tensor<?x3xf32> to tensor<1x3xf32>
    return %s : tensor<1x3xf32>
  }
  func.func @negative_size(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<2x?xf32> {
    %c = arith.constant -2 : index
    %s = tensor.extract_slice %x[0, 0] [2, %c] [1, 1] : tensor<?x3xf32> to tensor<2x?xf32>
    return %s : tensor<2x?xf32>
  }
  func.func @overflowing_stride(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<2x2xf32> {
    %c = arith.constant 9223372036854775807 : index
    %s = tensor.extract_slice %x[0, 1] [2, 2] [1, %c] : tensor<?x3xf32> to tensor<2x2xf32>
    return %s : tensor<2x2xf32>
  }
  func.func @overflowing_offset(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<2x2xf32> {
    %c = arith.constant 9223372036854775807 : index
    %s = tensor.extract_slice %x[0, %c] [2, 2] [1, 1] : tensor<?x3xf32> to tensor<2x2xf32>
    return %s : tensor<2x2xf32>
  }
  func.func @huge_size(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<?x3xf32> {
    %c = arith.constant 4611686018427387904 : index
    %s = tensor.extract_slice %x[0, 0] [%c, 3] [1, 1] : tensor<?x3xf32> to tensor<?x3xf32>
    return %s : tensor<?x3xf32>
  }
  func.func @zero_stride(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<2x2xf32> {
    %c = arith.constant 0 : index
    %s = tensor.extract_slice %x[0, 0] [2, 2] [1, %c] : tensor<?x3xf32> to tensor<2x2xf32>
    return %s : tensor<2x2xf32>
  }
  func.func @bad_dim(%x: tensor<?x3xf32> {moe.name = "x"}) -> tensor<?x3xf32> {
    %c = arith.constant 5 : index
    %d = tensor.dim %x, %c : tensor<?x3xf32>
    %s = tensor.extract_slice %x[0, 0] [%d, 3] [1, 1] : tensor<?x3xf32> to tensor<?x3xf32>
    return %s : tensor<?x3xf32>
  }
}
