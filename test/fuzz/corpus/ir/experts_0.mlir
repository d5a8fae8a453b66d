// Dense bf16 experts: 4 experts, hidden 8, intermediate 6, top-2.
func.func @dense(%x: tensor<?x8xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                 %wg: tensor<4x6x8xbf16>, %wu: tensor<4x6x8xbf16>, %wd: tensor<4x8x6xbf16>) -> tensor<?x8xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd : (tensor<?x8xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xbf16>, tensor<4x6x8xbf16>, tensor<4x8x6xbf16>) -> tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// f32 weights for f16 activations; gate and up are distinct operands;
// static tokens.
func.func @dense_static(%x: tensor<3x8xf16>, %w: tensor<3x1xf16>, %ids: tensor<3x1xi32>,
                        %wg: tensor<2x6x8xf32>, %wu: tensor<2x6x8xf32>, %wd: tensor<2x8x6xf32>) -> tensor<3x8xf16> {
  %y = moe.experts %x, %w, %ids, %wu, %wg, %wd : (tensor<3x8xf16>, tensor<3x1xf16>, tensor<3x1xi32>, tensor<2x6x8xf32>, tensor<2x6x8xf32>, tensor<2x8x6xf32>) -> tensor<3x8xf16>
  return %y : tensor<3x8xf16>
}

// FP8 experts with 128x128 blocks: gate/up [4, 192, 256] -> scales
// [4, 2, 2], down [4, 256, 192] -> scales [4, 2, 2].
func.func @fp8(%x: tensor<?x256xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
               %wg: tensor<4x192x256xf8E4M3FN>, %wu: tensor<4x192x256xf8E4M3FN>, %wd: tensor<4x256x192xf8E4M3FN>,
               %sg: tensor<4x2x2xf32>, %su: tensor<4x2x2xf32>, %sd: tensor<4x2x2xf32>) -> tensor<?x256xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd scales(%sg, %su, %sd) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : (tensor<?x256xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x192x256xf8E4M3FN>, tensor<4x192x256xf8E4M3FN>, tensor<4x256x192xf8E4M3FN>, tensor<4x2x2xf32>, tensor<4x2x2xf32>, tensor<4x2x2xf32>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

// int4 experts with [1, 128] groups: gate/up [2, 4, 256] -> [2, 4, 2],
// down [2, 256, 4] -> [2, 256, 1].
func.func @int4(%x: tensor<?x256xf32>, %w: tensor<?x1xf32>, %ids: tensor<?x1xi32>,
                %wg: tensor<2x4x256xi4>, %wu: tensor<2x4x256xi4>, %wd: tensor<2x256x4xi4>,
                %sg: tensor<2x4x2xf16>, %su: tensor<2x4x2xf16>, %sd: tensor<2x256x1xf16>) -> tensor<?x256xf32> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd scales(%sg, %su, %sd) {quant = #moe.quant<int4, block = [1, 128]>} : (tensor<?x256xf32>, tensor<?x1xf32>, tensor<?x1xi32>, tensor<2x4x256xi4>, tensor<2x4x256xi4>, tensor<2x256x4xi4>, tensor<2x4x2xf16>, tensor<2x4x2xf16>, tensor<2x256x1xf16>) -> tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}

// int8 experts.
func.func @int8(%x: tensor<?x128xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                %wg: tensor<2x4x128xi8>, %wu: tensor<2x4x128xi8>, %wd: tensor<2x128x4xi8>,
                %sg: tensor<2x4x1xf32>, %su: tensor<2x4x1xf32>, %sd: tensor<2x128x1xf32>) -> tensor<?x128xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd scales(%sg, %su, %sd) {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x128xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<2x4x128xi8>, tensor<2x4x128xi8>, tensor<2x128x4xi8>, tensor<2x4x1xf32>, tensor<2x4x1xf32>, tensor<2x128x1xf32>) -> tensor<?x128xbf16>
  return %y : tensor<?x128xbf16>
}

// Router feeding experts.
func.func @router_experts(%x: tensor<?x8xf32>, %gate: tensor<4x8xf32>,
                          %wg: tensor<4x6x8xf32>, %wu: tensor<4x6x8xf32>, %wd: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  %w, %ids = moe.router %x, %gate config(<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
