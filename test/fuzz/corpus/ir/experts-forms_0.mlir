// The dense moe.experts and its sparse form (dispatch, grouped_matmul,
// swiglu, combine) give the same tokens on the CPU reference.
//


module {
  moe.parameter @gate : tensor<3x2x2xf32> {key = "gate"}
  moe.parameter @up : tensor<3x2x2xf32> {key = "up"}
  moe.parameter @down : tensor<3x2x2xf32> {key = "down"}
  func.func @forward(%x: tensor<?x2xf32> {moe.name = "x"}, %w: tensor<?x2xf32> {moe.name = "w"},
                     %ids: tensor<?x2xi32> {moe.name = "ids"})
      -> (tensor<?x2xf32> {moe.name = "dense"}, tensor<?x2xf32> {moe.name = "sparse"},
          tensor<?xi32> {moe.name = "perm"}, tensor<4xi32> {moe.name = "offsets"}) {
    %g = moe.load @gate : tensor<3x2x2xf32>
    %u = moe.load @up : tensor<3x2x2xf32>
    %d = moe.load @down : tensor<3x2x2xf32>
    %dense = moe.experts %x, %w, %ids, %g, %u, %d
        : (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<3x2x2xf32>,
           tensor<3x2x2xf32>, tensor<3x2x2xf32>) -> tensor<?x2xf32>
    %xs, %perm, %offs = moe.dispatch %x, %ids
        : tensor<?x2xf32>, tensor<?x2xi32> -> tensor<?x2xf32>, tensor<?xi32>, tensor<4xi32>
    %hg = moe.grouped_matmul %xs, %g, %offs : tensor<?x2xf32>, tensor<3x2x2xf32>, tensor<4xi32> -> tensor<?x2xf32>
    %hu = moe.grouped_matmul %xs, %u, %offs : tensor<?x2xf32>, tensor<3x2x2xf32>, tensor<4xi32> -> tensor<?x2xf32>
    %a = moe.swiglu %hg, %hu : tensor<?x2xf32>
    %ys = moe.grouped_matmul %a, %d, %offs : tensor<?x2xf32>, tensor<3x2x2xf32>, tensor<4xi32> -> tensor<?x2xf32>
    %sparse = moe.combine %ys, %perm, %w : tensor<?x2xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x2xf32>
    return %dense, %sparse, %perm, %offs : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?xi32>, tensor<4xi32>
  }
}
