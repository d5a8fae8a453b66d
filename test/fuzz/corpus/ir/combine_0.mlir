func.func @combine(%ys: tensor<?x8xbf16>, %perm: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xbf16> {
  %0 = moe.combine %ys, %perm, %w : tensor<?x8xbf16>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}

// Static shapes: 6 rows = 3 tokens x top-2; weights in another float type.
func.func @combine_static(%ys: tensor<6x8xf32>, %perm: tensor<6xi32>, %w: tensor<3x2xbf16>) -> tensor<3x8xf32> {
  %0 = moe.combine %ys, %perm, %w : tensor<6x8xf32>, tensor<6xi32>, tensor<3x2xbf16> -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// Dispatch then combine directly (the identity on routed copies).
func.func @dispatch_combine(%x: tensor<?x8xf16>, %w: tensor<?x1xf32>, %ids: tensor<?x1xi32>) -> tensor<?x8xf16> {
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<?x8xf16>, tensor<?x1xi32> -> tensor<?x8xf16>, tensor<?xi32>, tensor<3xi32>
  %y = moe.combine %xs, %perm, %w : tensor<?x8xf16>, tensor<?xi32>, tensor<?x1xf32> -> tensor<?x8xf16>
  return %y : tensor<?x8xf16>
}
