#!/usr/bin/env python3
"""Recomputes a function's buffer plan from planned kernel IR.

  plan_bytes.py planned.mlir

Reads every `kernel.buffer` of the (single) function with its `offset` and
type, sizes it as kernel-plan-buffers does (docs/compile-path.md §3: per-token
bytes rounded up to 16, fixed bytes to 256: the sizes of its slots), and
prints

  plan: max_tokens T, peak P, naive N, buffers B

with peak = max(offset + size) and naive = the sum of the sizes at the
function's `kernel.plan` max_tokens: an independent check of the plan line
that `ds-run --info` prints for the same module.
"""
import re
import sys

BYTES = {"bf16": 2, "f16": 2, "f32": 4, "f64": 8, "i32": 4, "i64": 8,
         "i8": 1, "i16": 2, "f8E4M3FN": 1, "f8E5M2": 1, "i1": 1}

text = open(sys.argv[1]).read()
plan = re.search(r"kernel\.plan = #kernel\.plan<max_tokens = (\d+), "
                 r"peak_bytes = (\d+), naive_bytes = (\d+)>", text)
tokens = int(plan.group(1))
peak = naive = count = 0
for m in re.finditer(r"kernel\.buffer (?:tokens\((\d+)\) )?\{offset = "
                     r"array<i64: (\d+), (\d+)>\} : memref<([^>]*)>", text):
    scale, per_token_offset, fixed_offset, type = m.groups()
    *dims, elt = type.split("x")
    elements = 1
    for d in dims:
        if d != "?":
            elements *= int(d)
    elements *= BYTES[elt]
    if scale:
        size = -(-int(scale) * elements // 16) * 16 * tokens
    else:
        size = -(-elements // 256) * 256
    naive += size
    offset = int(per_token_offset) * tokens + int(fixed_offset)
    peak = max(peak, offset + size)
    count += 1
print(f"plan: max_tokens {tokens}, peak {peak}, naive {naive}, buffers {count}")
print(f"kernel.plan: peak {plan.group(2)}, naive {plan.group(3)}")
