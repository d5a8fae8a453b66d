#!/usr/bin/env python3
"""Weights and inputs of smoke.mlir (standard library only, seeded).

  smoke_data.py OUT_DIR [T ...]

Writes OUT_DIR/weights.safetensors (norm.weight) and, for each T (default
20), OUT_DIR/inputs_T.safetensors (x and residual, [T, 64] bf16).
"""

import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "utils"))
import safetensors_io as st  # noqa: E402

HIDDEN = 64


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip())
    out = sys.argv[1]
    counts = [int(t) for t in sys.argv[2:]] or [20]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20)
    weight = [rng.uniform(0.5, 1.5) for _ in range(HIDDEN)]
    st.write_file(os.path.join(out, "weights.safetensors"),
                  [("norm.weight", "BF16", [HIDDEN], st.encode("BF16", weight))])
    for t in counts:
        rng = random.Random(t)
        tensors = []
        for name in ("x", "residual"):
            values = [rng.gauss(0.0, 1.0) for _ in range(t * HIDDEN)]
            tensors.append((name, "BF16", [t, HIDDEN],
                            st.encode("BF16", values)))
        st.write_file(os.path.join(out, f"inputs_{t}.safetensors"), tensors)


if __name__ == "__main__":
    main()
