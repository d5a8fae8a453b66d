"""Feeds ds-opt truncated and corrupted copies of a valid module.

Usage: mutate.py <ds-opt> <input.mlir> <work dir>

Every run must end with exit status 0 (the mutation happened to stay valid) or
1 with an `error:` diagnostic located at `file:line:col`; a crash, an abort, a
hang or any other status fails the test. The mutations are deterministic.
"""

import os
import random
import re
import subprocess
import sys

ds_opt, source, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
text = open(source, "rb").read()
rng = random.Random(20261123)

cases = []
# Truncations at spread-out byte offsets.
for i in range(1, 61):
    cases.append(("truncate-%d" % i, text[: len(text) * i // 61]))
# Single-byte corruptions: a digit, a punctuation mark or a random byte.
for i in range(80):
    data = bytearray(text)
    pos = rng.randrange(len(data))
    data[pos] = rng.choice(b"0123456789<>()[]{}:,=%@x?\"\x00\xff")
    cases.append(("byte-%d" % i, bytes(data)))
# Deleted and duplicated lines.
lines = text.split(b"\n")
for i in range(40):
    copy = list(lines)
    j = rng.randrange(len(copy))
    if i % 2:
        del copy[j]
    else:
        copy.insert(j, copy[j])
    cases.append(("line-%d" % i, b"\n".join(copy)))

located = re.compile(rb"^[^\n]*:\d+:\d+: error: ", re.M)
failures, rejected = [], 0
for name, data in cases:
    path = os.path.join(work, name + ".mlir")
    with open(path, "wb") as f:
        f.write(data)
    try:
        run = subprocess.run([ds_opt, path, "-o", os.devnull],
                             capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        failures.append("%s: timed out" % name)
        continue
    if run.returncode == 0:
        continue
    if run.returncode != 1:
        failures.append("%s: exit status %d\n%s" %
                        (name, run.returncode, run.stderr.decode(errors="replace")))
    elif not located.search(run.stderr):
        failures.append("%s: no located error:\n%s" %
                        (name, run.stderr.decode(errors="replace")))
    else:
        rejected += 1

for f in failures:
    print("FAIL", f)
print("%d cases, %d rejected with a located error, %d failures" %
      (len(cases), rejected, len(failures)))
sys.exit(1 if failures or rejected < len(cases) // 2 else 0)
