func.func @missing_config(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %i = "moe.router"(%x, %g) : (tensor<?x16xf32>, tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>)
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}
