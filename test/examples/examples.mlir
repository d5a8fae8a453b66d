// The shipped example layers verify, survive canonicalize + cse and a trip
// through the generic form, and have the structure their comments describe.

// RUN: ds-opt %ds_src_root/examples/deepseek_v3_layer.mlir | FileCheck %s --check-prefix=DSV3
// RUN: ds-opt %ds_src_root/examples/deepseek_v3_layer.mlir --mlir-print-op-generic | ds-opt --canonicalize --cse | FileCheck %s --check-prefix=DSV3
// RUN: ds-opt %ds_src_root/examples/mixtral_layer.mlir | FileCheck %s --check-prefix=MIXTRAL
// RUN: ds-opt %ds_src_root/examples/mixtral_layer.mlir --mlir-print-op-generic | ds-opt --canonicalize --cse | FileCheck %s --check-prefix=MIXTRAL

// DSV3-DAG: moe.parameter @experts_gate : tensor<256x2048x7168xf8E4M3FN> {key = "model.layers.3.mlp.experts.*.gate_proj.weight"}
// DSV3-DAG: moe.parameter @kv_a_proj_scale : tensor<5x56xf32> {key = "model.layers.3.self_attn.kv_a_proj_with_mqa.weight_scale_inv"}
// DSV3-DAG: moe.parameter @router_bias : tensor<256xf32> {key = "model.layers.3.mlp.gate.e_score_correction_bias"}
// DSV3-LABEL: func.func @decoder_layer
// DSV3-SAME: (%{{.*}}: tensor<?x7168xbf16>, %{{.*}}: tensor<?xi32>) -> tensor<?x7168xbf16>
// DSV3: moe.rms_norm {{.*}} eps(9.9999999999999995E-7) : tensor<?x7168xbf16>, tensor<7168xbf16>
// DSV3: moe.linear {{.*}} scales({{.*}} : tensor<12x56xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x7168xbf16>, tensor<1536x7168xf8E4M3FN> -> tensor<?x1536xbf16>
// DSV3: moe.rope interleaved {{.*}} theta(1.000000e+04) scaling(<factor = 4.000000e+01, original_max_position_embeddings = 4096, mscale = 1.000000e+00, mscale_all_dim = 1.000000e+00>) : tensor<?x128x64xbf16>
// DSV3: moe.rope interleaved {{.*}} : tensor<?x1x64xbf16>
// DSV3: moe.attention {{.*}} shared_key({{.*}} : tensor<?x64xbf16>) scale(0.13523377886088009) window(<global>) : tensor<?x128x192xbf16>, tensor<?x128x128xbf16>, tensor<?x128x128xbf16> -> tensor<?x128x128xbf16>
// DSV3: moe.add_rms_norm
// DSV3: moe.router {{.*}} bias({{.*}} : tensor<256xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, routed_scaling_factor = 2.500000e+00>) : tensor<?x7168xbf16>, tensor<256x7168xbf16> -> tensor<?x8xf32>, tensor<?x8xi32>
// DSV3: moe.experts {{.*}} scales({{.*}}, {{.*}}, {{.*}}) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
// DSV3: moe.swiglu {{.*}} : tensor<?x2048xbf16>
// DSV3: arith.addf
// DSV3: arith.addf
// DSV3: return {{.*}} : tensor<?x7168xbf16>

// MIXTRAL-DAG: moe.parameter @experts_w1 : tensor<8x14336x4096xbf16> {key = "model.layers.0.block_sparse_moe.experts.*.w1.weight"}
// MIXTRAL-DAG: moe.parameter @router_gate : tensor<8x4096xbf16> {key = "model.layers.0.block_sparse_moe.gate.weight"}
// MIXTRAL-LABEL: func.func @decoder_layer
// MIXTRAL: moe.rope half_split {{.*}} theta(1.000000e+06) : tensor<?x32x128xbf16>, tensor<?xi32>
// MIXTRAL: moe.rope half_split {{.*}} theta(1.000000e+06) : tensor<?x8x128xbf16>, tensor<?xi32>
// MIXTRAL: moe.attention {{.*}} scale(0.088388347648318447) window(<global>) : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>, tensor<?x8x128xbf16> -> tensor<?x32x128xbf16>
// MIXTRAL: moe.router {{.*}} config(<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>) : tensor<?x4096xbf16>, tensor<8x4096xbf16> -> tensor<?x2xbf16>, tensor<?x2xi32>
// MIXTRAL: moe.experts {{.*}} : (tensor<?x4096xbf16>, tensor<?x2xbf16>, tensor<?x2xi32>, tensor<8x14336x4096xbf16>, tensor<8x14336x4096xbf16>, tensor<8x4096x14336xbf16>) -> tensor<?x4096xbf16>
// MIXTRAL: return {{.*}} : tensor<?x4096xbf16>
