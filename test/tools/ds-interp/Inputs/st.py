#!/usr/bin/env python3
"""Writes and prints small safetensors files (standard library only).

  st.py write out.safetensors NAME:DTYPE:SHAPE=v0,v1,... [...]
  st.py print file.safetensors [--precision P]

DTYPE is F32, BF16, F16, F8_E4M3, I32 or I64; SHAPE is D0xD1 (or "scalar").
Values are given in row-major order (BF16/F16 values are rounded to nearest
even, F8_E4M3 values must be exactly representable). `print` writes one line
per tensor, sorted by name: `name DTYPE[shape] v0 v1 ...` with floats at the
given precision, for FileCheck.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "utils"))
import safetensors_io as st  # noqa: E402


def write(path, specs):
    tensors = []
    for spec in specs:
        lhs, _, rhs = spec.partition("=")
        name, dtype, shape = lhs.split(":")
        shape = [] if shape == "scalar" else [int(d) for d in shape.split("x")]
        values = [v for v in rhs.split(",") if v] if rhs else []
        count = 1
        for d in shape:
            count *= d
        if len(values) != count:
            sys.exit(f"{name}: {len(values)} values for shape {shape}")
        try:
            tensors.append((name, dtype, shape, st.encode(dtype, values)))
        except ValueError as e:
            sys.exit(f"{name}: {e}")
    st.write_file(path, tensors)


def show(path, precision):
    tensors = st.read_file(path)
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        values = st.decode(dtype, data)
        text = " ".join(str(v) if isinstance(v, int) else f"{v:.{precision}f}"
                        for v in values)
        print(f"{name} {dtype}{shape} {text}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 2 and sys.argv[1] == "print":
        precision = 4
        if "--precision" in sys.argv:
            precision = int(sys.argv[sys.argv.index("--precision") + 1])
        show(sys.argv[2], precision)
    else:
        sys.exit(__doc__)
