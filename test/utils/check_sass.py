#!/usr/bin/env python3
"""SASS checks on the kernels of a module (design §8, issue 10's CI gate).

  check_sass.py CUOBJDUMP DIR

DIR holds `ds-run --extract-kernels` output (<name>.cubin per kernel).
Every kernel is disassembled with cuobjdump (PyPI: nvidia-cuda-cuobjdump and
nvidia-cuda-nvdisasm) and must not touch local memory (no LDL / STL: a spill
or a stack array NVRTC's report missed). The bf16/f16 GEMM, grouped GEMM and
attention kernels (ds_{gemm,grouped_gemm,attention}_{bf16,f16}_*) must run on
tensor cores (HMMA) fed by ldmatrix (LDSM). Prints one line per kernel kind
and a PASS or FAIL summary; exits 1 on a failure.
"""

import collections
import os
import re
import subprocess
import sys

TENSOR_CORE = re.compile(r"^ds_(gemm|grouped_gemm|attention)_(bf16|f16)_")
OPCODE = re.compile(r"/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_]*)")


def opcodes(cuobjdump, cubin):
    out = subprocess.run([cuobjdump, "-sass", cubin], capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"check_sass: {cuobjdump} -sass {cubin} failed:\n{out.stderr}")
    return collections.Counter(m.group(1) for m in OPCODE.finditer(out.stdout))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    cuobjdump, folder = sys.argv[1], sys.argv[2]
    cubins = sorted(f for f in os.listdir(folder) if f.endswith(".cubin"))
    if not cubins:
        sys.exit(f"check_sass: no .cubin in {folder}")
    failures = []
    kinds = collections.defaultdict(lambda: [0, collections.Counter()])
    tensor = 0
    for f in cubins:
        name = f[:-len(".cubin")]
        ops = opcodes(cuobjdump, os.path.join(folder, f))
        if not ops:
            failures.append(f"{name}: no instructions disassembled")
            continue
        local = {op: n for op, n in ops.items() if op in ("LDL", "STL")}
        if local:
            failures.append(f"{name}: local memory {local}")
        if TENSOR_CORE.match(name):
            tensor += 1
            for op in ("HMMA", "LDSM"):
                if not ops.get(op):
                    failures.append(f"{name}: no {op}")
        kind = re.sub(r"_[0-9a-f]+$", "", name)
        kinds[kind][0] += 1
        kinds[kind][1].update(
            {op: n for op, n in ops.items()
             if op in ("HMMA", "LDSM", "LDGSTS", "FFMA", "LDL", "STL")})
    for kind, (count, ops) in sorted(kinds.items()):
        shown = " ".join(f"{op} {ops[op]}" for op in sorted(ops))
        print(f"{kind}: {count} kernels; {shown}")
    for f in failures:
        print(f"FAIL {f}")
    status = "FAIL" if failures else "PASS"
    print(f"{status}: {len(cubins)} kernels, {tensor} on tensor cores, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
