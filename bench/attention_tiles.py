#!/usr/bin/env python3
"""Attention window tile counts and the sim's attention work; one JSON document.

Counts (analytic, test/utils/attention_tiles.py: the tiles of BKV keys that
hold a key some query of a CTA of BQ queries sees, per head), for prefill at
T = 4096, 16384 and 32768 and the windows global, sliding(4096),
chunked(8192) and local_global(4096, sinks 4), on the attention kernel's
real-size tile (bf16, head dim 128: BQ 64, BKV 32, the heuristics of
passes/TuningTable.cpp): the tiles visited with moe-attention-block-sparsity
against the global-attention count (the causal tiles, which every window
visits without the pass).

Sim (with --build): for T = 1024, 2048, 4096 (--sim-tokens) the hand-written
module test/runtime/Inputs/attention-windows.mlir (bf16, one head of 16, BQ =
BKV = 64; windows sliding 100, chunked 200, local_global 100 + 70 sinks,
global) is compiled with and without the pass and run with `ds-run --device
sim --sim-no-checks --sim-stats`; per attention launch it reports the tiles
the kernel counted, the ideal count, and the launch's wall time, and per run
the time per visited tile, which stays flat when the kernel's work is
proportional to the tiles it visits (the reference is the global launch of
the same run: its tiles and time).

  bench/attention_tiles.py [--build build] [--sim-tokens 1024,2048,4096]
                           [--repeat 3]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "utils"))
import attention_tiles  # noqa: E402

TOKENS = [4096, 16384, 32768]
WINDOWS = [("global", 0, 0), ("sliding", 4096, 0), ("chunked", 8192, 0),
           ("local_global", 4096, 4)]
TILE = (64, 32)  # bf16, head dim 128 (TuningTable.cpp)
MODEL = os.path.join(ROOT, "test", "runtime", "Inputs",
                     "attention-windows.mlir")


def counts():
    out = []
    bq, bkv = TILE
    for t in TOKENS:
        causal = attention_tiles.kv_tiles(t, t, 1, bq, bkv, "global")
        for kind, size, sinks in WINDOWS:
            n = attention_tiles.kv_tiles(t, t, 1, bq, bkv, kind, size, sinks)
            out.append({"tokens": t, "window": kind, "window_size": size,
                        "window_sinks": sinks, "tile": [bq, bkv],
                        "tiles_block_sparse": n, "tiles_global": causal,
                        "fraction": round(n / causal, 4)})
    return out


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def sim(build, tokens, repeat):
    tools = os.path.join(build, "bin")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "w.safetensors")
        attention_tiles.st.write_file(
            weights, [("unused", "F32", [1],
                       attention_tiles.st.encode("F32", [0.0]))])
        sparse_mlir = os.path.join(tmp, "sparse.mlir")
        run([os.path.join(tools, "ds-opt"), MODEL,
             "--moe-attention-block-sparsity", "-o", sparse_mlir])
        modules = {}
        # ds-compile runs moe-attention-block-sparsity by default: the causal
        # schedule is the pipeline without it.
        for name, src, options in (
                ("causal", MODEL, ["--ds-compile-options="
                                   "attention-block-sparsity=false"]),
                ("block_sparse", sparse_mlir, [])):
            modules[name] = os.path.join(tmp, name + ".dsb")
            run([os.path.join(tools, "ds-opt"), src, "-o", modules[name]] +
                options)
        for t in tokens:
            inputs = os.path.join(tmp, f"in{t}.safetensors")
            attention_tiles.inputs(inputs, t, 1, 16, 1)
            for schedule, dsb in modules.items():
                launches = {}
                for _ in range(repeat):
                    proc = subprocess.run(
                        [os.path.join(tools, "ds-run"), dsb, "--weights",
                         weights, "--inputs", inputs, "-o",
                         os.path.join(tmp, "out.safetensors"), "--device",
                         "sim", "--sim-no-checks", "--sim-stats"],
                        check=True, capture_output=True, text=True)
                    for line in proc.stdout.splitlines():
                        s = json.loads(line)
                        launches.setdefault(s["launch"], []).append(s)
                rows = []
                for _, runs in sorted(launches.items()):
                    s = runs[0]
                    bq, bkv = s["tile"]
                    ideal = attention_tiles.kv_tiles(
                        s["tokens"], s["keys"], s["heads"], bq, bkv,
                        s["window"] if s["block_sparse"] else "global",
                        s["window_size"], s["window_sinks"])
                    us = statistics.median(r["microseconds"] for r in runs)
                    rows.append({"window": s["window"],
                                 "window_size": s["window_size"],
                                 "window_sinks": s["window_sinks"],
                                 "kv_tiles": s["kv_tiles"],
                                 "ideal": ideal,
                                 "equal": s["kv_tiles"] == ideal,
                                 "median_us": round(us, 1),
                                 "us_per_tile": round(us / s["kv_tiles"], 2)})
                ref = next(r for r in rows if r["window"] == "global")
                for r in rows:
                    r["time_vs_global"] = round(
                        r["median_us"] / ref["median_us"], 3)
                    r["tiles_vs_global"] = round(
                        r["kv_tiles"] / ref["kv_tiles"], 3)
                results.append({"tokens": t, "schedule": schedule,
                                "launches": rows})
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", help="the build directory (bin/ds-opt, "
                   "bin/ds-run); without it only the counts")
    p.add_argument("--sim-tokens", default="1024,2048,4096")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    doc = {"benchmark": "attention_tiles",
           "machine": {"cpus": os.cpu_count(), "system": platform.system()},
           "counts": counts()}
    if args.build:
        tokens = [int(t) for t in args.sim_tokens.split(",") if t]
        doc["sim"] = sim(args.build, tokens, max(1, args.repeat))
    json.dump(doc, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
