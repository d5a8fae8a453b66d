#!/usr/bin/env python3
"""Compile-time benchmark of the ds tools; prints one JSON document.

For each model config it times, as a user runs them:
  import   `ds-import <config.json> -o model.mlir`  (parse config, build, verify, print)
  parse    `ds-opt model.mlir -o /dev/null`         (parse, verify, print)
  compile  `ds-opt model.mlir -o model.dsb`         (parse, ds-compile, write the module)
and reports the median and minimum wall time over --repeat runs, the size of
the printed IR and of the .dsb, and the buffer plan of the module (`ds-run
--info --json`): peak arena bytes against the naive sum of all intermediates
at the plan's token count (4096 unless the import sets --max-tokens). The
references in the same run: the parse of the same IR by ds-opt (an import
should cost about one parse), and the budgets of issues 3 and 9 (import well
under 2 s; the full DeepSeek-V3 compiled in at most 3 s to a .dsb of at most
5 MB).

With --golden it also runs every golden fixture (test/golden/*) both ways on
the CPU: `ds-interp model.mlir` (the reference) and `ds-run model.dsb --device
cpu`, and reports the ratio of their median wall times (issue 9: at most 1.2).

  bench/compile_time.py --build build [--repeat 5] [--golden] [config.json ...]
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
COMPILE_BUDGET_S = 3.0
DSB_BUDGET_BYTES = 5_000_000
RUN_RATIO_BUDGET = 1.2


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


def run_golden(args, ds_import, ds_opt, ds_run, ds_interp, tmp):
    """ds-run --device cpu against ds-interp on each golden fixture."""
    root = os.path.join(ROOT, "test", "golden")
    out = []
    for name in sorted(os.listdir(root)):
        fixture = os.path.join(root, name)
        if not os.path.isfile(os.path.join(fixture, "config.json")):
            continue
        mlir = os.path.join(tmp, name + ".mlir")
        dsb = os.path.join(tmp, name + ".dsb")
        subprocess.run([ds_import, os.path.join(fixture, "config.json"),
                        "--router-group-fill", "zero", "-o", mlir],
                       check=True)
        subprocess.run([ds_opt, mlir, "-o", dsb], check=True)
        inputs = os.path.join(fixture, "inputs.safetensors")
        common = ["--weights", fixture, "--inputs", inputs, "-o",
                  os.path.join(tmp, name + ".out.safetensors")]
        interp = timed([ds_interp, mlir] + common, args.repeat)
        run = timed([ds_run, dsb, "--device", "cpu"] + common, args.repeat)
        ratio = run["median_s"] / max(interp["median_s"], 1e-9)
        out.append({"fixture": name, "ds_interp": interp, "ds_run_cpu": run,
                    "run_over_interp": round(ratio, 3),
                    "budget": RUN_RATIO_BUDGET,
                    "within_budget": ratio <= RUN_RATIO_BUDGET})
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--golden", action="store_true",
                   help="also time ds-run --device cpu against ds-interp on "
                        "the golden fixtures")
    p.add_argument("configs", nargs="*")
    args = p.parse_args()
    configs = args.configs or [os.path.join(ROOT, "test", "frontend",
                                            "configs", c)
                               for c in DEFAULT_CONFIGS]
    ds_import = os.path.join(args.build, "bin", "ds-import")
    ds_opt = os.path.join(args.build, "bin", "ds-opt")
    ds_run = os.path.join(args.build, "bin", "ds-run")
    ds_interp = os.path.join(args.build, "bin", "ds-interp")

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for config in configs:
            out = os.path.join(tmp, "model.mlir")
            imp = timed([ds_import, config, "-o", out], args.repeat)
            parse = timed([ds_opt, out, "-o", os.devnull], args.repeat)
            dsb = os.path.join(tmp, "model.dsb")
            compiled = timed([ds_opt, out, "-o", dsb], args.repeat)
            info = json.loads(subprocess.run(
                [ds_run, "--info", "--json", dsb], check=True,
                capture_output=True, text=True).stdout)
            plan = info["entries"][0]["plan"]
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
                "compile": compiled,
                "dsb_bytes": os.path.getsize(dsb),
                "launches": info["entries"][0]["launch_count"],
                "plan": {"max_tokens": plan["max_tokens"],
                         "peak_bytes": plan["peak_bytes"],
                         "naive_bytes": plan["naive_bytes"],
                         "naive_over_peak": round(plan["naive_bytes"] /
                                                  max(plan["peak_bytes"], 1),
                                                  2)},
                "compile_budget_s": COMPILE_BUDGET_S,
                "dsb_budget_bytes": DSB_BUDGET_BYTES,
                "compile_within_budget":
                    compiled["median_s"] <= COMPILE_BUDGET_S and
                    os.path.getsize(dsb) <= DSB_BUDGET_BYTES,
            })
        golden = []
        if args.golden:
            golden = run_golden(args, ds_import, ds_opt, ds_run, ds_interp,
                                tmp)
    json.dump({"benchmark": "compile_time",
               "machine": {"cpu": platform.processor() or platform.machine(),
                           "cores": os.cpu_count(),
                           "system": platform.system()},
               "results": results, "cpu_backend": golden}, sys.stdout,
              indent=2)
    print()


if __name__ == "__main__":
    main()
