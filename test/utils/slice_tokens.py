#!/usr/bin/env python3
"""Keeps the first N tokens of every tensor of an inputs file.

  slice_tokens.py in.safetensors N out.safetensors

Each tensor's leading dim is the token dim (input_ids [T], positions [T]);
the first N rows are written, in the input's order, to out.safetensors.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io as st  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip())
    source, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    tensors = []
    for name, (dtype, shape, data) in st.read_file(source).items():
        if not shape or shape[0] < count:
            sys.exit(f"{source}: tensor '{name}' has fewer than {count} rows")
        row = len(data) // shape[0]
        tensors.append((name, dtype, [count] + shape[1:], data[:row * count]))
    st.write_file(out, tensors)


if __name__ == "__main__":
    main()
