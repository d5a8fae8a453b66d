#!/usr/bin/env python3
"""What the optimization passes of ds-compile save; prints one JSON document.

For the two-layer real-size DeepSeek-V3 (as released: two dense layers; and
with its second layer MoE) and Mixtral-8x7B (`ds-import <config>
--num-layers 2`, the configs of test/frontend/configs, as
bench/compile_time.py builds its kernel benchmark) it compiles the module
(`ds-opt -o x.dsb --no-kernels`: the launch program does not depend on the
kernels) once per pipeline variant:

  default            ds-compile as it is (every optimization pass on)
  fusion=false       no fusion pass
  only-<pass>        fusion off except that pass (one per fusion option)
  without-<pass>     the default with that pass off (one per option)

and reads `ds-run --info --json --tokens T` for T = 1, 128, 4096: the
launches per forward, the activation bytes written per forward (the sum of
the bytes of every launch's result buffers at T), and the pass records
(`passes`: what each pass did). Each variant also gets the saving against
`fusion=false`.

  bench/fusion.py --build build [--tokens 1,128,4096] [--layers 2]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (name, config, overrides of config.json fields). DeepSeek-V3's first three
# layers are dense (first_k_dense_replace = 3), so its two-layer module has no
# MoE layer; deepseek_v3_moe makes the second layer its first MoE layer
# (routed experts, the shared expert, the noaux_tc router), at real size.
MODELS = [
    ("deepseek_v3", "deepseek-ai_DeepSeek-V3.json", {}),
    ("deepseek_v3_moe", "deepseek-ai_DeepSeek-V3.json",
     {"first_k_dense_replace": 1}),
    ("mixtral", "mistralai_Mixtral-8x7B-v0.1.json", {}),
]
# The per-pass options of ds-compile (passes/Pipelines.h) that the master
# switch `fusion` governs.
FUSION_OPTIONS = ["fuse-add-rms-norm", "fuse-gate-up", "fuse-qkv"]


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def variants():
    yield "default", ""
    yield "fusion=false", "fusion=false"
    for option in FUSION_OPTIONS:
        others = " ".join(f"{o}=false" for o in FUSION_OPTIONS if o != option)
        yield f"only-{option}", others
        yield f"without-{option}", f"{option}=false"


def measure(tools, mlir, options, tokens, tmp):
    ds_opt, ds_run = tools
    dsb = os.path.join(tmp, "module.dsb")
    cmd = [ds_opt, mlir, "-o", dsb, "--no-kernels"]
    if options:
        cmd.append(f"--ds-compile-options={options}")
    run(cmd)
    out = {"options": options, "launches": None, "by_kind": None,
           "activation_bytes_written": {}, "passes": None}
    for t in tokens:
        info = json.loads(run([ds_run, "--info", "--json", "--tokens", str(t),
                               dsb]))
        entry = info["entries"][0]
        out["launches"] = entry["launch_count"]
        out["by_kind"] = entry["launches"]
        out["activation_bytes_written"][str(t)] = \
            entry["activations_written"]["bytes"]
        out["passes"] = info["passes"]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--tokens", default="1,128,4096")
    parser.add_argument("--layers", type=int, default=2)
    args = parser.parse_args()
    bin_dir = os.path.join(args.build, "bin")
    ds_import = os.path.join(bin_dir, "ds-import")
    tools = (os.path.join(bin_dir, "ds-opt"), os.path.join(bin_dir, "ds-run"))
    tokens = [int(t) for t in args.tokens.split(",")]
    result = {"benchmark": "fusion", "layers": args.layers, "tokens": tokens,
              "models": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name, config, overrides in MODELS:
            mlir = os.path.join(tmp, name + ".mlir")
            path = os.path.join(ROOT, "test", "frontend", "configs", config)
            if overrides:
                with open(path) as f:
                    fields = json.load(f)
                fields.update(overrides)
                path = os.path.join(tmp, name + ".config.json")
                with open(path, "w") as f:
                    json.dump(fields, f)
            run([ds_import, path, "--num-layers", str(args.layers), "-o",
                 mlir])
            model = {"model": name, "config": config, "overrides": overrides,
                     "variants": {}}
            for label, options in variants():
                model["variants"][label] = measure(tools, mlir, options,
                                                   tokens, tmp)
            base = model["variants"]["fusion=false"]
            for v in model["variants"].values():
                v["launches_saved"] = base["launches"] - v["launches"]
                v["activation_bytes_saved"] = {
                    t: base["activation_bytes_written"][t] - b
                    for t, b in v["activation_bytes_written"].items()}
            result["models"].append(model)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
