func.func @weight_dynamic(%x: tensor<?x8xf32>, %w: tensor<?x8xf32>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
