// RUN: ds-opt %s --split-input-file --verify-diagnostics --moe-summary -o /dev/null

// A malformed moe.passes record is a located error of its reader (moe-summary
// here; the .dsb writer reads it the same way, dialects/moe/MoePassRecord.h).

// expected-error @+1 {{moe.passes must be an array of pass records, not 3 : i64}}
module attributes {moe.passes = 3} {
}

// -----

// expected-error @+1 {{moe.passes[0]: a pass record is {name = "<pass>", statistics = {<name> = <integer>, ...}}, not {name = "p"}}}
module attributes {moe.passes = [{name = "p"}]} {
}

// -----

// expected-error @+1 {{moe.passes[0] 'p': statistic 'fused' is not an integer: "four"}}
module attributes {moe.passes = [{name = "p", statistics = {fused = "four"}}]} {
}
