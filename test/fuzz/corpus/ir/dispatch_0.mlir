func.func @dispatch(%x: tensor<?x8xbf16>, %ids: tensor<?x2xi32>) -> (tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>) {
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<?x8xbf16>, tensor<?x2xi32> -> tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>
  return %xs, %perm, %offs : tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>
}

// Static shapes: 3 tokens x top-2 = 6 rows; a single expert (E + 1 = 2).
func.func @dispatch_static(%x: tensor<3x8xf32>, %ids: tensor<3x2xi32>) -> (tensor<6x8xf32>, tensor<6xi32>, tensor<2xi32>) {
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<3x8xf32>, tensor<3x2xi32> -> tensor<6x8xf32>, tensor<6xi32>, tensor<2xi32>
  return %xs, %perm, %offs : tensor<6x8xf32>, tensor<6xi32>, tensor<2xi32>
}

// The full dispatched expert computation: dispatch, gate/up grouped
// matmuls, swiglu, down grouped matmul, combine (4 experts, hidden 8,
// intermediate 6, top-2).
func.func @dispatch_chain(%x: tensor<?x8xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                          %wg: tensor<4x6x8xbf16>, %wu: tensor<4x6x8xbf16>, %wd: tensor<4x8x6xbf16>) -> tensor<?x8xbf16> {
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<?x8xbf16>, tensor<?x2xi32> -> tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>
  %g = moe.grouped_matmul %xs, %wg, %offs : tensor<?x8xbf16>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xbf16>
  %u = moe.grouped_matmul %xs, %wu, %offs : tensor<?x8xbf16>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xbf16>
  %h = moe.swiglu %g, %u : tensor<?x6xbf16>
  %ys = moe.grouped_matmul %h, %wd, %offs : tensor<?x6xbf16>, tensor<4x8x6xbf16>, tensor<5xi32> -> tensor<?x8xbf16>
  %y = moe.combine %ys, %perm, %w : tensor<?x8xbf16>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// The same chain with FP8 expert weights (hidden 256, intermediate 192).
func.func @dispatch_chain_fp8(%x: tensor<?x256xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                              %wg: tensor<4x192x256xf8E4M3FN>, %wd: tensor<4x256x192xf8E4M3FN>,
                              %sg: tensor<4x2x2xf32>, %sd: tensor<4x2x2xf32>) -> tensor<?x256xbf16> {
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<?x256xbf16>, tensor<?x2xi32> -> tensor<?x256xbf16>, tensor<?xi32>, tensor<5xi32>
  %g = moe.grouped_matmul %xs, %wg, %offs scales(%sg : tensor<4x2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x256xbf16>, tensor<4x192x256xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xbf16>
  %h = moe.swiglu %g, %g : tensor<?x192xbf16>
  %ys = moe.grouped_matmul %h, %wd, %offs scales(%sd : tensor<4x2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x192xbf16>, tensor<4x256x192xf8E4M3FN>, tensor<5xi32> -> tensor<?x256xbf16>
  %y = moe.combine %ys, %perm, %w : tensor<?x256xbf16>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}
