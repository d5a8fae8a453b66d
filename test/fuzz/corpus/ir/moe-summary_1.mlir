// Routers and experts, including a quantized experts op.

func.func @moe(%x: tensor<?x256xf32>, %g: tensor<8x256xf32>, %b: tensor<8xf32>,
               %wg: tensor<8x128x256xf8E4M3FN>, %wu: tensor<8x128x256xf8E4M3FN>, %wd: tensor<8x256x128xf8E4M3FN>,
               %sg: tensor<8x1x2xf32>, %su: tensor<8x1x2xf32>, %sd: tensor<8x2x1xf32>) -> tensor<?x256xf32> {
  %w, %i = moe.router %x, %g bias(%b : tensor<8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2, norm_topk_prob = true, routed_scaling_factor = 2.5>) : tensor<?x256xf32>, tensor<8x256xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  %w2, %i2 = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x256xf32>, tensor<8x256xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  %y = moe.experts %x, %w, %i, %wg, %wu, %wd scales(%sg, %su, %sd) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : (tensor<?x256xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x128x256xf8E4M3FN>, tensor<8x128x256xf8E4M3FN>, tensor<8x256x128xf8E4M3FN>, tensor<8x1x2xf32>, tensor<8x1x2xf32>, tensor<8x2x1xf32>) -> tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}
