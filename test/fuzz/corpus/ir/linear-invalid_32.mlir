func.func @segment_sizes(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %0 = "moe.linear"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 1>}> : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
