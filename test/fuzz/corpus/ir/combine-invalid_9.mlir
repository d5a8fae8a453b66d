func.func @result_element_type(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xbf16> {
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}
