// RUN: ds-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{config 'max_tokens' must be >= 0 (0: unbounded), got -1}}
module attributes {test.c = #kernel.config<max_tokens = -1, variant = "wgmma", tile = [64], stages = 1, warps = 1, cluster = [1]>} {}

// -----

// expected-error @+1 {{config 'variant' must not be empty}}
module attributes {test.c = #kernel.config<max_tokens = 0, variant = "", tile = [64], stages = 1, warps = 1, cluster = [1]>} {}

// -----

// expected-error @+1 {{config 'tile' entries must be >= 1, got 0 at 1}}
module attributes {test.c = #kernel.config<max_tokens = 0, variant = "wgmma", tile = [64, 0], stages = 1, warps = 1, cluster = [1]>} {}

// -----

// expected-error @+1 {{config 'cluster' entries must be >= 1, got -2 at 0}}
module attributes {test.c = #kernel.config<max_tokens = 0, variant = "wgmma", tile = [64], stages = 1, warps = 1, cluster = [-2]>} {}

// -----

// expected-error @+1 {{config 'stages' must be >= 1, got 0}}
module attributes {test.c = #kernel.config<max_tokens = 0, variant = "wgmma", tile = [64], stages = 0, warps = 1, cluster = [1]>} {}

// -----

// expected-error @+1 {{config 'warps' must be >= 1, got 0}}
module attributes {test.c = #kernel.config<max_tokens = 0, variant = "wgmma", tile = [64], stages = 1, warps = 0, cluster = [1]>} {}

// -----

// expected-error @+1 {{plan 'max_tokens' must be >= 1, got 0}}
module attributes {test.p = #kernel.plan<max_tokens = 0, peak_bytes = 0, naive_bytes = 0>} {}

// -----

// expected-error @+1 {{plan byte counts must be >= 0, got peak -1 and naive 0}}
module attributes {test.p = #kernel.plan<max_tokens = 1, peak_bytes = -1, naive_bytes = 0>} {}

// -----

// expected-error @+1 {{plan 'peak_bytes' (8) cannot exceed 'naive_bytes' (4)}}
module attributes {test.p = #kernel.plan<max_tokens = 1, peak_bytes = 8, naive_bytes = 4>} {}

// -----

// expected-error @+2 {{expected 'true' or 'false'}}
// expected-error @+1 {{failed to parse Kernel_EpilogueAttr parameter 'bias' which is to be a `bool`}}
module attributes {test.e = #kernel.epilogue<bias = 1>} {}

// -----

// expected-error @+1 {{'kernel.target' must be a non-empty string, got ""}}
module attributes {kernel.target = ""} {}

// -----

// expected-error @+1 {{'kernel.target' belongs on a module}}
func.func @f() attributes {kernel.target = "sm_90a"} {
  return
}

// -----

// expected-error @+1 {{'kernel.plan' must be a #kernel.plan, got 1 : i64}}
func.func @f() attributes {kernel.plan = 1} {
  return
}

// -----

// expected-error @+1 {{'kernel.plan' belongs on a function}}
module attributes {kernel.plan = #kernel.plan<max_tokens = 1, peak_bytes = 0, naive_bytes = 0>} {}

// -----

// expected-error @+1 {{unknown kernel dialect attribute 'kernel.other'}}
module attributes {kernel.other = 1} {}
