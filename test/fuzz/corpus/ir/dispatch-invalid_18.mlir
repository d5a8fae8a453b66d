func.func @operand_count(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  %a, %b, %c = "moe.dispatch"(%x) : (tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>)
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}
