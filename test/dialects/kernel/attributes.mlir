// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK: module attributes {kernel.target = "sm_90a", test.config = #kernel.config<max_tokens = 64, variant = "wgmma", tile = [64, 128, 64], stages = 4, warps = 4, cluster = [1, 1]>, test.epilogue = #kernel.epilogue<bias = true>, test.epilogue_default = #kernel.epilogue<>}
module attributes {kernel.target = "sm_90a",
    test.config = #kernel.config<max_tokens = 64, variant = "wgmma", tile = [64, 128, 64], stages = 4, warps = 4, cluster = [1, 1]>,
    test.epilogue = #kernel.epilogue<bias = true>,
    test.epilogue_default = #kernel.epilogue<bias = false>} {
  // CHECK: func.func @f() attributes {kernel.plan = #kernel.plan<max_tokens = 4096, peak_bytes = 1048576, naive_bytes = 4194304>}
  func.func @f() attributes {kernel.plan = #kernel.plan<max_tokens = 4096, peak_bytes = 1048576, naive_bytes = 4194304>} {
    return
  }
}
