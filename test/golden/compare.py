#!/usr/bin/env python3
"""Compares a tensor of two safetensors files (standard library only).

  compare.py actual.safetensors expected.safetensors [--name logits]
             [--expected-name NAME] [--rtol 1e-4]

--expected-name reads another tensor of the expected file (default: --name).

The error is relative to the reference's scale: max|a - e| / max|e| over all
elements (a per-element relative error is meaningless for logits near zero).
Prints one line and exits 1 when the shapes differ, a value is not finite, or
the error exceeds --rtol.
"""

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "utils"))
import safetensors_io as st  # noqa: E402


def read(path, name):
    tensors = st.read_file(path)
    if name not in tensors:
        sys.exit(f"{path}: no tensor '{name}'")
    dtype, shape, data = tensors[name]
    if dtype != "F32":
        sys.exit(f"{path}: tensor '{name}' is {dtype}, expected F32")
    return shape, st.decode(dtype, data)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("actual")
    p.add_argument("expected")
    p.add_argument("--name", default="logits")
    p.add_argument("--expected-name")
    p.add_argument("--rtol", type=float, default=1e-4)
    args = p.parse_args()
    shape_a, a = read(args.actual, args.name)
    shape_e, e = read(args.expected, args.expected_name or args.name)
    if shape_a != shape_e:
        print(f"FAIL {args.name}: shape {shape_a} vs expected {shape_e}")
        return 1
    if not all(math.isfinite(x) for x in a):
        print(f"FAIL {args.name}: non-finite values")
        return 1
    err = max((abs(x - y) for x, y in zip(a, e)), default=0.0)
    scale = max((abs(y) for y in e), default=0.0)
    rel = err / scale if scale else err
    ok = rel <= args.rtol
    print(f"{'PASS' if ok else 'FAIL'} {args.name}{shape_e}: max abs error "
          f"{err:.3e}, max |expected| {scale:.3e}, relative {rel:.3e} "
          f"(tolerance {args.rtol:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
