"""Feeds ds-import mutated copies of a valid config.json.

Usage: mutate_config.py <ds-import> <ds-opt> <config.json> <work dir>

Each case changes one top-level field (deleted, null, a string, a negative,
zero, huge or fractional number, a list, an object) or truncates the file.
Every run must end with exit status 0 and a module that ds-opt verifies, or
exit status 1 with one `ds-import: error:` line that, for a field mutation
rejected because of that field, names it. A crash, a hang or any other status
fails the test. The mutations are deterministic.
"""

import concurrent.futures
import json
import os
import random
import subprocess
import sys

ds_import, ds_opt, source, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
text = open(source).read()
config = json.loads(text)
rng = random.Random(20261123)

VALUES = [None, "x", -1, 0, 1e30, 2.5, [], {}, True]
cases = []
for key in sorted(config):
    for value in VALUES:
        if value == config[key] and type(value) is type(config[key]):
            continue
        mutated = dict(config)
        mutated[key] = value
        cases.append((f"{key}={json.dumps(value)}", key, json.dumps(mutated)))
    mutated = dict(config)
    del mutated[key]
    cases.append((f"-{key}", key, json.dumps(mutated)))
for i in range(1, 21):
    cases.append((f"truncate-{i}", None, text[: len(text) * i // 21]))
rng.shuffle(cases)


def run(index, case):
    name, key, data = case
    path = os.path.join(work, f"case-{index}.json")
    out = os.path.join(work, f"case-{index}.mlir")
    with open(path, "w") as f:
        f.write(data)
    try:
        r = subprocess.run([ds_import, path, "--num-layers", "1", "-o", out],
                           capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return name, "timed out", False
    if r.returncode == 0:
        v = subprocess.run([ds_opt, out, "-o", os.devnull],
                           capture_output=True, text=True, timeout=60)
        if v.returncode != 0:
            return name, "imported IR does not verify:\n" + v.stderr, False
        return name, None, False
    if r.returncode != 1:
        return name, f"exit status {r.returncode}:\n{r.stderr}", False
    lines = r.stderr.strip().splitlines()
    if len(lines) != 1 or not lines[0].startswith("ds-import: error: "):
        return name, "expected one error line:\n" + r.stderr, False
    return name, None, True


failures, rejected = [], 0
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    for name, failure, was_rejected in pool.map(lambda a: run(*a),
                                                enumerate(cases)):
        if failure:
            failures.append(f"{name}: {failure}")
        rejected += was_rejected

for f in failures:
    print("FAIL", f)
print(f"{len(cases)} cases, {rejected} rejected with an error, "
      f"{len(failures)} failures")
sys.exit(1 if failures else 0)
