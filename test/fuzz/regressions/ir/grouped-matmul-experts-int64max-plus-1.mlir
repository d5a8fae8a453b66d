func.func @f(%x: tensor<?x8xbf16>, %w: tensor<9223372036854775807x6x8xbf16>, %offs: tensor<5xi32>) -> tensor<?x6xbf16> {
  %0 = moe.grouped_matmul %x, %w, %offs : tensor<?x8xbf16>, tensor<9223372036854775807x6x8xbf16>, tensor<5xi32> -> tensor<?x6xbf16>
  return %0 : tensor<?x6xbf16>
}
