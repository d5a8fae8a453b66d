#!/usr/bin/env python3
"""Summarizes planned kernel IR read from stdin, one line per function:

  @NAME: L launches (C with configs ending unbounded) K kinds, B buffers (O with offsets)

A launch is any `kernel.<op>` other than buffer, weight and view; its
configs must end with the unbounded bucket (`max_tokens = 0`). FileCheck then
pins that C == L and O == B: every launch has its configs, every buffer its
offset.
"""
import re
import sys

NON_LAUNCH = {"buffer", "weight", "view"}
funcs = []
for line in sys.stdin:
    m = re.match(r"\s*func\.func @(\w+)", line)
    if m:
        funcs.append([m.group(1), 0, 0, set(), 0, 0])
        continue
    if not funcs:
        continue
    f = funcs[-1]
    m = re.match(r"\s*(?:%\S+ = )?kernel\.(\w+)", line)
    if not m:
        continue
    kind = m.group(1)
    if kind == "buffer":
        f[4] += 1
        f[5] += bool(re.search(r"\{offset = array<i64: \d+, \d+>\}", line))
    elif kind not in NON_LAUNCH:
        f[1] += 1
        f[3].add(kind)
        f[2] += bool(re.search(r"\{config = \[#kernel\.config<.*"
                               r"#kernel\.config<max_tokens = 0,[^>]*>\]", line))
for name, launches, configured, kinds, buffers, offsets in funcs:
    print(f"@{name}: {launches} launches ({configured} with configs ending "
          f"unbounded) {len(kinds)} kinds, {buffers} buffers ({offsets} with "
          f"offsets)")
