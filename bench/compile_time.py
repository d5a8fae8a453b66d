#!/usr/bin/env python3
"""Compile-time benchmark of the ds tools; prints one JSON document.

For each model config it times, as a user runs them:
  import  `ds-import <config.json> -o model.mlir`   (parse config, build, verify, print)
  parse   `ds-opt model.mlir -o /dev/null`          (parse, verify, print)
and reports the median and minimum wall time over --repeat runs, the size of
the printed IR, and the budget the import must stay well under (issue 3: the
full DeepSeek-V3 in well under 2 s). The reference in the same run is the
parse of the same IR by ds-opt: an import should cost about one parse.

  bench/compile_time.py --build build [--repeat 5] [config.json ...]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CONFIGS = [
    "deepseek-ai_DeepSeek-V3.json",
    "deepseek-ai_DeepSeek-V2-Lite.json",
    "mistralai_Mixtral-8x7B-v0.1.json",
    "Qwen_Qwen3-30B-A3B.json",
]
BUDGET_S = 2.0


def timed(cmd, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if run.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.stderr}")
    return {"median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4), "runs": repeat}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("configs", nargs="*")
    args = p.parse_args()
    configs = args.configs or [os.path.join(ROOT, "test", "frontend",
                                            "configs", c)
                               for c in DEFAULT_CONFIGS]
    ds_import = os.path.join(args.build, "bin", "ds-import")
    ds_opt = os.path.join(args.build, "bin", "ds-opt")

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for config in configs:
            out = os.path.join(tmp, "model.mlir")
            imp = timed([ds_import, config, "-o", out], args.repeat)
            parse = timed([ds_opt, out, "-o", os.devnull], args.repeat)
            with open(out) as f:
                text = f.read()
            results.append({
                "config": os.path.basename(config),
                "ir_bytes": len(text),
                "ir_lines": text.count("\n"),
                "parameters": text.count("moe.parameter"),
                "import": imp,
                "reference_parse": parse,
                "import_over_parse": round(imp["median_s"] /
                                           max(parse["median_s"], 1e-9), 2),
                "budget_s": BUDGET_S,
                "within_budget": imp["median_s"] < BUDGET_S,
            })
    json.dump({"benchmark": "compile_time",
               "machine": {"cpu": platform.processor() or platform.machine(),
                           "cores": os.cpu_count(),
                           "system": platform.system()},
               "results": results}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
