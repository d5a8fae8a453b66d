#!/usr/bin/env python3
"""Writes a safetensors checkpoint that fits (or, on request, breaks) a module.

Reads the keyed `moe.parameter` ops of a module printed by `ds-import`,
expands stacked `*` keys into one tensor per slice, and writes zero-filled
tensors in the checkpoint's on-disk naming. Standard library only, so the lit
suite runs it without torch or the safetensors package.

  make_checkpoint.py module.mlir out_dir [--shards N]
      [--drop KEY] [--extra KEY:DTYPE:D0xD1] [--reshape KEY:D0xD1]
      [--retype KEY:DTYPE] [--truncate BYTES]

Mutations name checkpoint keys (after `*` expansion). `--truncate` cuts the
last shard by BYTES bytes after writing it.
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "utils"))
import safetensors_io as st  # noqa: E402

DTYPES = {  # MLIR element type -> safetensors dtype
    "bf16": "BF16",
    "f16": "F16",
    "f32": "F32",
    "f8E4M3FN": "F8_E4M3",
    "i8": "I8",
}

PARAM = re.compile(
    r'moe\.parameter @\S+ : tensor<([0-9x]+)x(\w+)> \{key = "([^"]+)"\}')


def parse_shape(text):
    return [int(d) for d in text.split("x")] if text else []


def module_tensors(path):
    """Yields (key, dtype, shape) for every checkpoint tensor of a module."""
    with open(path) as f:
        for line in f:
            m = PARAM.search(line)
            if not m:
                continue
            shape = parse_shape(m.group(1))
            dtype = DTYPES[m.group(2)]
            key = m.group(3)
            if "*" not in key:
                yield key, dtype, shape
                continue
            head, tail = key.split("*")
            for i in range(shape[0]):
                yield f"{head}{i}{tail}", dtype, shape[1:]


def nbytes(dtype, shape):
    n = st.element_size(dtype)
    for d in shape:
        n *= d
    return n


def write_safetensors(path, tensors):
    """tensors: list of (key, dtype, shape); data is all zeros."""
    st.write_file(path, [(key, dtype, shape, bytes(nbytes(dtype, shape)))
                         for key, dtype, shape in tensors])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("module")
    p.add_argument("out_dir")
    p.add_argument("--shards", type=int, default=1)
    p.add_argument("--drop", action="append", default=[])
    p.add_argument("--extra", action="append", default=[])
    p.add_argument("--reshape", action="append", default=[])
    p.add_argument("--retype", action="append", default=[])
    p.add_argument("--truncate", type=int, default=0)
    args = p.parse_args()

    tensors = {key: (dtype, shape)
               for key, dtype, shape in module_tensors(args.module)}
    if not tensors:
        sys.exit(f"{args.module}: no keyed moe.parameter found")
    for key in args.drop:
        del tensors[key]
    for spec in args.reshape:
        key, shape = spec.rsplit(":", 1)
        tensors[key] = (tensors[key][0], parse_shape(shape))
    for spec in args.retype:
        key, dtype = spec.rsplit(":", 1)
        tensors[key] = (dtype, tensors[key][1])
    for spec in args.extra:
        key, dtype, shape = spec.rsplit(":", 2)
        tensors[key] = (dtype, parse_shape(shape))

    os.makedirs(args.out_dir, exist_ok=True)
    items = [(k, d, s) for k, (d, s) in sorted(tensors.items())]
    if args.shards == 1:
        files = [("model.safetensors", items)]
    else:
        n = args.shards
        files = [(f"model-{i + 1:05d}-of-{n:05d}.safetensors", items[i::n])
                 for i in range(n)]
        weight_map = {k: name for name, part in files for k, _, _ in part}
        total = sum(nbytes(d, s) for _, d, s in items)
        with open(os.path.join(args.out_dir,
                               "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total},
                       "weight_map": weight_map}, f, indent=1)
    for name, part in files:
        write_safetensors(os.path.join(args.out_dir, name), part)
    if args.truncate:
        last = os.path.join(args.out_dir, files[-1][0])
        os.truncate(last, os.path.getsize(last) - args.truncate)


if __name__ == "__main__":
    main()
