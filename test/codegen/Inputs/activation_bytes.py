#!/usr/bin/env python3
"""Recomputes the activation bytes a forward writes from planned kernel IR.

  activation_bytes.py planned.mlir T [T ...]

Reads the (single) function: the token scale of every value (entry
arguments 1, `kernel.buffer tokens(m)` m, a plain dynamic buffer 1, a static
one 0, a `kernel.view` its source's per-token elements over its own per-row
elements, docs/compile-path.md §1) and, for every launch op, the types of its
`outs(...)` (for a `kernel.copy`, its `sizes` box: the copies of a concat each
write a part of one buffer). Prints, per T,

  activations: T t, launches N, bytes B

with B the sum over launches of the bytes of their out buffers at T: an
independent check of the `activations written` line of `ds-run --info`.
"""
import re
import sys

BYTES = {"bf16": 2, "f16": 2, "f32": 4, "f64": 8, "i32": 4, "i64": 8,
         "i8": 1, "i16": 2, "f8E4M3FN": 1, "f8E5M2": 1, "i1": 1}
NON_LAUNCH = {"kernel.buffer", "kernel.weight", "kernel.view"}


def parse_type(text):
    """(dynamic, static elements, element bytes) of `memref<...>` text."""
    *dims, elt = text.split("x")
    static = 1
    for d in dims:
        if d != "?":
            static *= int(d)
    return "?" in dims, static, BYTES[elt]


scale = {}
launches = []
text = open(sys.argv[1]).read()
func = re.search(r"func\.func @\w+\((.*?)\)\s*->", text, re.S)
for m in re.finditer(r"(%[\w.]+): memref<([^>]*)>", func.group(1)):
    scale[m.group(1)] = 1
for line in text.splitlines():
    line = line.strip()
    b = re.match(r"(%[\w.]+) = kernel\.buffer (?:tokens\((\d+)\) )?.*"
                 r": memref<([^>]*)>$", line)
    if b:
        dynamic = parse_type(b.group(3))[0]
        scale[b.group(1)] = int(b.group(2) or 1) if dynamic else 0
        continue
    v = re.match(r"(%[\w.]+) = kernel\.view (%[\w.]+) \[\d+\] : "
                 r"memref<([^>]*)> to memref<([^>]*)>$", line)
    if v:
        _, src_row, _ = parse_type(v.group(3))
        dynamic, row, _ = parse_type(v.group(4))
        scale[v.group(1)] = (scale[v.group(2)] * src_row // row
                             if dynamic else 0)
        continue
    op = re.match(r"(kernel\.\w+) ", line)
    if not op or op.group(1) in NON_LAUNCH or "outs(" not in line:
        continue
    outs = re.search(r"outs\(([^:]*) : (.*?)\)(?: |$)", line)
    names = [n.strip() for n in outs.group(1).split(",")]
    types = re.findall(r"memref<([^>]*)>", outs.group(2))
    sizes = re.search(r" sizes = \[([^\]]*)\]", line)
    if op.group(1) == "kernel.copy":
        # A copy writes its `sizes` box (`?`: the whole dynamic dim).
        types = ["x".join(sizes.group(1).replace(" ", "").split(",") +
                          [types[0].split("x")[-1]])]
    launches.append(list(zip(names, types)))

for t in (int(a) for a in sys.argv[2:]):
    total = 0
    for outs in launches:
        for name, type in outs:
            dynamic, static, elt = parse_type(type)
            total += (scale[name] * t if dynamic else 1) * static * elt
    print(f"activations: T {t}, launches {len(launches)}, bytes {total}")
