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

The module-only compile (`--no-kernels`) is what the issue-9 budget bounds;
the kernels are timed separately (issue 10) on the two-layer real-size
DeepSeek-V3 (`ds-import --num-layers 2`): `ds-opt -o .dsb` with an empty
NVRTC cache ($DS_CACHE_DIR set to a fresh folder: every distinct kernel
compiled, in parallel over the cores) against at most 30 s on 2 cores, and
with the cache warm against at most 2 s, with the number of launch variants
and of distinct kernels (`--kernel-stats`) to show the deduplication.

With --golden it also runs every golden fixture (test/golden/*) three ways:
`ds-interp model.mlir` (the reference), `ds-run model.dsb --device cpu`, whose
median wall time over ds-interp's is bounded by issue 9 (at most 1.2), and
`ds-run --device sim` (the module's kernels on the CPU with the hazard checks
on; issue 10: at most 30 s each; the first run also compiles the kernels for
the sim, the median is warm).

  bench/compile_time.py --build build [--repeat 5] [--golden] [--no-kernels]
                        [config.json ...]
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
KERNEL_CONFIG = "deepseek-ai_DeepSeek-V3.json"
KERNEL_LAYERS = 2
KERNELS_COLD_BUDGET_S = 30.0
KERNELS_WARM_BUDGET_S = 2.0
SIM_BUDGET_S = 30.0


def timed(cmd, repeat, env=None):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run = subprocess.run(cmd, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        if run.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.stderr}")
    return {"median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4), "runs": repeat}


def kernel_stats(stderr):
    """(launch variants, distinct kernels, from cache) of --kernel-stats."""
    for line in stderr.splitlines():
        if line.startswith("kernels: "):
            words = line.split()
            return int(words[1]), int(words[4]), int(words[7])
    sys.exit(f"no --kernel-stats line in:\n{stderr}")


def run_kernels(args, ds_import, ds_opt, tmp):
    """The kernels of the two-layer real-size DeepSeek-V3, cold and warm."""
    config = os.path.join(ROOT, "test", "frontend", "configs", KERNEL_CONFIG)
    mlir = os.path.join(tmp, "kernels.mlir")
    dsb = os.path.join(tmp, "kernels.dsb")
    subprocess.run([ds_import, config, "--num-layers", str(KERNEL_LAYERS),
                    "-o", mlir], check=True)
    cache = os.path.join(tmp, "nvrtc-cache")
    env = dict(os.environ, DS_CACHE_DIR=cache)
    cmd = [ds_opt, mlir, "-o", dsb, "--kernel-stats"]
    start = time.perf_counter()
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env)
    cold_s = time.perf_counter() - start
    if cold.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{cold.stderr}")
    variants, distinct, cached = kernel_stats(cold.stderr)
    warm = timed(cmd, args.repeat, env)
    warm_run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    _, _, warm_cached = kernel_stats(warm_run.stderr)
    return {"config": KERNEL_CONFIG, "layers": KERNEL_LAYERS,
            "launch_variants": variants, "distinct_kernels": distinct,
            "cold_s": round(cold_s, 3), "cold_from_cache": cached,
            "cold_budget_s": KERNELS_COLD_BUDGET_S,
            "warm": warm, "warm_from_cache": warm_cached,
            "warm_budget_s": KERNELS_WARM_BUDGET_S,
            "dsb_bytes": os.path.getsize(dsb),
            "within_budget": cold_s <= KERNELS_COLD_BUDGET_S and
                             warm["median_s"] <= KERNELS_WARM_BUDGET_S}


def run_golden(args, ds_import, ds_opt, ds_run, ds_interp, tmp):
    """ds-run --device cpu and sim against ds-interp on each golden fixture."""
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
        sim_cmd = [ds_run, dsb, "--device", "sim"] + common
        start = time.perf_counter()
        subprocess.run(sim_cmd, check=True, capture_output=True)
        sim_first = time.perf_counter() - start
        sim = timed(sim_cmd, args.repeat)
        out.append({"fixture": name, "ds_interp": interp, "ds_run_cpu": run,
                    "run_over_interp": round(ratio, 3),
                    "budget": RUN_RATIO_BUDGET,
                    "within_budget": ratio <= RUN_RATIO_BUDGET,
                    "ds_run_sim": sim, "sim_first_run_s": round(sim_first, 3),
                    "sim_over_cpu": round(sim["median_s"] /
                                          max(run["median_s"], 1e-9), 1),
                    "sim_budget_s": SIM_BUDGET_S,
                    "sim_within_budget": max(sim_first, sim["median_s"]) <=
                                         SIM_BUDGET_S})
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--golden", action="store_true",
                   help="also time ds-run --device cpu against ds-interp on "
                        "the golden fixtures")
    p.add_argument("--no-kernels", action="store_true",
                   help="skip the kernel compile benchmark")
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
            compiled = timed([ds_opt, out, "-o", dsb, "--no-kernels"],
                             args.repeat)
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
        kernels = None
        if not args.no_kernels:
            kernels = run_kernels(args, ds_import, ds_opt, tmp)
        golden = []
        if args.golden:
            golden = run_golden(args, ds_import, ds_opt, ds_run, ds_interp,
                                tmp)
    json.dump({"benchmark": "compile_time",
               "machine": {"cpu": platform.processor() or platform.machine(),
                           "cores": os.cpu_count(),
                           "system": platform.system()},
               "results": results, "kernels": kernels,
               "cpu_backend": golden}, sys.stdout,
              indent=2)
    print()


if __name__ == "__main__":
    main()
