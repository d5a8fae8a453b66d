#!/usr/bin/env python3
"""The KV tiles an attention kernel must visit, counted independently of it.

  attention_tiles.py check stats.jsonl
  attention_tiles.py inputs out.safetensors T [--heads H] [--dim D] [--seed N]
  attention_tiles.py ids out.safetensors T [--vocab V] [--seed N]

`check` reads the JSON lines of `ds-run --device sim --sim-stats` (one per
attention launch: window, block_sparse, tokens, keys, heads, tile [BQ, BKV],
kv_tiles; an adaptive window's threshold, resolved here from the keys) and
compares every launch's kv_tiles with the ideal count: with
block sparsity the tiles of BKV keys that hold a key some query of the CTA
sees, summed over CTAs of BQ queries and heads; without it the causal tiles
(the same count under a global window). Prints one line per launch and exits
1 when a count differs.

`inputs` writes random bf16 q, k, v of shape [T, H, D] (standard library
only) for a hand-written attention module; `ids` random I32 `input_ids`
[T] below V (default 128, the golden models' vocabulary).

The count is built row by row, from the keys each query position p sees
(causal and end-aligned: query t of T sits at p = S - T + t):

  global        [0, p]
  sliding W     [p - W + 1, p]
  chunked C     [C * floor(p / C), p]
  local_global  [0, G) and [p - W + 1, p]

The tile ranges of these intervals are merged per CTA; nothing here follows
the kernel's own range arithmetic. bench/attention_tiles.py imports
`kv_tiles`.
"""

import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io as st  # noqa: E402


def visible(p, kind, size, sinks):
    """The intervals [lo, hi] of keys query position p sees."""
    if kind == "global":
        return [(0, p)]
    if kind == "sliding":
        return [(max(0, p - size + 1), p)]
    if kind == "chunked":
        return [(size * (p // size), p)]
    if kind == "local_global":
        out = [(max(0, p - size + 1), p)]
        if sinks > 0:
            out.append((0, min(sinks, p + 1) - 1))
        return out
    raise ValueError(f"unknown window kind '{kind}'")


def kv_tiles(tokens, keys, heads, bq, bkv, kind, size=0, sinks=0):
    """The KV tiles the CTAs of every head visit when each visits exactly
    the tiles holding a key one of its queries sees."""
    total = 0
    for t0 in range(0, tokens, bq):
        ranges = []
        for t in range(t0, min(t0 + bq, tokens)):
            p = keys - tokens + t
            for lo, hi in visible(p, kind, size, sinks):
                if lo <= hi:
                    ranges.append((lo // bkv, hi // bkv))
        ranges.sort()
        merged = []
        for lo, hi in ranges:
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        total += sum(hi - lo + 1 for lo, hi in merged)
    return total * heads


def check(path):
    ok, n = True, 0
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            s = json.loads(line)
            n += 1
            bq, bkv = s["tile"]
            args = (s["tokens"], s["keys"], s["heads"], bq, bkv)
            causal = kv_tiles(*args, "global")
            kind, regime = s["window"], ""
            if kind == "adaptive":
                # Global while the keys are at most the threshold, else
                # the sliding window (with sinks: local_global).
                threshold = s["window_threshold"]
                if s["keys"] <= threshold:
                    kind = "global"
                else:
                    kind = "local_global" if s["window_sinks"] else "sliding"
                regime = f" threshold {threshold} ({kind})"
            if s["block_sparse"]:
                ideal = kv_tiles(*args, kind, s["window_size"],
                                 s["window_sinks"])
            else:
                ideal = causal
            verdict = "OK" if s["kv_tiles"] == ideal else "MISMATCH"
            ok = ok and verdict == "OK"
            schedule = "block_sparse" if s["block_sparse"] else "causal"
            print(f"launch {s['launch']}: {s['window']} {s['window_size']}/"
                  f"{s['window_sinks']}{regime} T {s['tokens']} tile {bq}x{bkv} "
                  f"{schedule}: kv_tiles {s['kv_tiles']} ideal {ideal} "
                  f"(causal {causal}) {verdict}")
    if n == 0:
        print(f"{path}: no attention launch")
        return 1
    return 0 if ok else 1


def inputs(path, tokens, heads, dim, seed):
    rng = random.Random(seed)
    tensors = []
    for name in ("q", "k", "v"):
        values = [rng.gauss(0.0, 1.0) for _ in range(tokens * heads * dim)]
        tensors.append((name, "BF16", [tokens, heads, dim],
                        st.encode("BF16", values)))
    st.write_file(path, tensors)
    return 0


def ids(path, tokens, vocab, seed):
    rng = random.Random(seed)
    values = [rng.randrange(vocab) for _ in range(tokens)]
    st.write_file(path, [("input_ids", "I32", [tokens],
                          st.encode("I32", values))])
    return 0


def options(rest, opts):
    if len(rest) % 2 or any(k not in opts for k in rest[::2]):
        sys.exit(__doc__.strip())
    for k, v in zip(rest[::2], rest[1::2]):
        opts[k] = int(v)
    return opts


def main(argv):
    if len(argv) == 2 and argv[0] == "check":
        return check(argv[1])
    if len(argv) >= 3 and argv[0] == "inputs":
        o = options(argv[3:], {"--heads": 1, "--dim": 16, "--seed": 1})
        return inputs(argv[1], int(argv[2]), o["--heads"], o["--dim"],
                      o["--seed"])
    if len(argv) >= 3 and argv[0] == "ids":
        o = options(argv[3:], {"--vocab": 128, "--seed": 1})
        return ids(argv[1], int(argv[2]), o["--vocab"], o["--seed"])
    sys.exit(__doc__.strip())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
