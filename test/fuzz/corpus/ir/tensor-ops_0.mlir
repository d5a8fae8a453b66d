// The tensor and arith ops the importer emits between moe ops: dim,
// expand/collapse_shape, extract_slice, concat, splat, clamps, adds and
// casts, evaluated on known values.
//

// Outputs print sorted by name. Clamp to [3, 9]:
// Heads [2, 2, 3]; the last two columns of each head, then the first one
// appended: per row (2 3 1 5 6 4), (8 9 7 11 12 10).
// bf16 1.0078125 + 1.0078125 = 2.015625 is exact in bf16, then widened.
// f32 -> bf16 rounds ties to even: 1 + 2^-8 -> 1, 1 + 3 * 2^-8 -> 1 + 2^-6.

module {
  func.func @forward(%x: tensor<?x6xf32> {moe.name = "x"}, %y: tensor<?x2xbf16> {moe.name = "y"})
      -> (tensor<?x6xf32> {moe.name = "concat"}, tensor<?x6xf32> {moe.name = "clamped"},
          tensor<?x2xf32> {moe.name = "doubled"}, tensor<2xbf16> {moe.name = "rounded"}) {
    %c0 = arith.constant 0 : index
    %t = tensor.dim %x, %c0 : tensor<?x6xf32>
    %h = tensor.expand_shape %x [[0], [1, 2]] output_shape [%t, 2, 3] : tensor<?x6xf32> into tensor<?x2x3xf32>
    %tail = tensor.extract_slice %h[0, 0, 1] [%t, 2, 2] [1, 1, 1] : tensor<?x2x3xf32> to tensor<?x2x2xf32>
    %head = tensor.extract_slice %h[0, 0, 0] [%t, 2, 1] [1, 1, 1] : tensor<?x2x3xf32> to tensor<?x2x1xf32>
    %cat = tensor.concat dim(2) %tail, %head : (tensor<?x2x2xf32>, tensor<?x2x1xf32>) -> tensor<?x2x3xf32>
    %flat = tensor.collapse_shape %cat [[0], [1, 2]] : tensor<?x2x3xf32> into tensor<?x6xf32>
    %lo = arith.constant 3.0 : f32
    %hi = arith.constant 9.0 : f32
    %los = tensor.splat %lo[%t] : tensor<?x6xf32>
    %his = tensor.splat %hi[%t] : tensor<?x6xf32>
    %a = arith.maximumf %x, %los : tensor<?x6xf32>
    %b = arith.minimumf %a, %his : tensor<?x6xf32>
    %sum = arith.addf %y, %y : tensor<?x2xbf16>
    %wide = arith.extf %sum : tensor<?x2xbf16> to tensor<?x2xf32>
    %ties = arith.constant dense<[1.00390625, 1.01171875]> : tensor<2xf32>
    %narrow = arith.truncf %ties : tensor<2xf32> to tensor<2xbf16>
    return %flat, %b, %wide, %narrow : tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x2xf32>, tensor<2xbf16>
  }
}
