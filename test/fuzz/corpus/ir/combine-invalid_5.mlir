func.func @input_rows(%y: tensor<6x8xf32>, %p: tensor<6xi32>, %w: tensor<4x2xf32>) -> tensor<4x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<6x8xf32>, tensor<6xi32>, tensor<4x2xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
