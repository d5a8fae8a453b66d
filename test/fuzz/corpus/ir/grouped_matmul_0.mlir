func.func @dense(%x: tensor<?x8xbf16>, %w: tensor<4x6x8xbf16>, %offs: tensor<5xi32>) -> tensor<?x6xbf16> {
  %0 = moe.grouped_matmul %x, %w, %offs : tensor<?x8xbf16>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xbf16>
  return %0 : tensor<?x6xbf16>
}

// f32 weights for f16 rows; static row count.
func.func @dense_static(%x: tensor<6x8xf16>, %w: tensor<2x4x8xf32>, %offs: tensor<3xi32>) -> tensor<6x4xf16> {
  %0 = moe.grouped_matmul %x, %w, %offs : tensor<6x8xf16>, tensor<2x4x8xf32>, tensor<3xi32> -> tensor<6x4xf16>
  return %0 : tensor<6x4xf16>
}

// FP8 with ragged blocks: N = 192 -> 2, K = 200 -> 2.
func.func @fp8(%x: tensor<?x200xbf16>, %w: tensor<4x192x200xf8E4M3FN>, %offs: tensor<5xi32>, %s: tensor<4x2x2xf32>) -> tensor<?x192xbf16> {
  %0 = moe.grouped_matmul %x, %w, %offs scales(%s : tensor<4x2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xbf16>, tensor<4x192x200xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xbf16>
  return %0 : tensor<?x192xbf16>
}

func.func @int8(%x: tensor<?x256xf32>, %w: tensor<2x4x256xi8>, %offs: tensor<3xi32>, %s: tensor<2x4x2xbf16>) -> tensor<?x4xf32> {
  %0 = moe.grouped_matmul %x, %w, %offs scales(%s : tensor<2x4x2xbf16>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xf32>, tensor<2x4x256xi8>, tensor<3xi32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

func.func @int4(%x: tensor<?x256xf32>, %w: tensor<2x4x256xi4>, %offs: tensor<3xi32>, %s: tensor<2x4x2xf32>) -> tensor<?x4xf32> {
  %0 = moe.grouped_matmul %x, %w, %offs scales(%s : tensor<2x4x2xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x256xf32>, tensor<2x4x256xi4>, tensor<3xi32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
