#!/usr/bin/env bash
#===- scripts/demo.sh - set up, build and run the main job ----------------===#
#
# Sets up the toolchain, builds ds, and runs the main job: the full
# DeepSeek-V3 config is imported (ds-import) and compiled to a .dsb module
# (ds-opt -o x.dsb) whose summary ds-run --info prints; the shipped example
# layers are verified, canonicalized and summarized by ds-opt; the golden tiny
# Mixtral is compiled and run by ds-run on the CPU backend, its logits compared
# with ds-interp's and with the Hugging Face ones. Outputs go to <build>/demo/.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
"$root/scripts/build.sh"

ds_opt=$build_dir/bin/ds-opt
ds_import=$build_dir/bin/ds-import
ds_interp=$build_dir/bin/ds-interp
ds_run=$build_dir/bin/ds-run
out_dir=$build_dir/demo
mkdir -p "$out_dir"

config=test/frontend/configs/deepseek-ai_DeepSeek-V3.json
echo
echo "== DeepSeek-V3: ds-import $config | ds-opt --moe-summary"
"$ds_import" "$root/$config" -o "$out_dir/deepseek_v3.mlir"
"$ds_opt" "$out_dir/deepseek_v3.mlir" --moe-summary -o /dev/null
echo "   imported and verified: $out_dir/deepseek_v3.mlir ($(wc -l <"$out_dir/deepseek_v3.mlir") lines)"
echo
echo "== DeepSeek-V3: ds-opt deepseek_v3.mlir -o deepseek_v3.dsb --kernel-stats; ds-run --info deepseek_v3.dsb"
"$ds_opt" "$out_dir/deepseek_v3.mlir" -o "$out_dir/deepseek_v3.dsb" --kernel-stats
"$ds_run" --info "$out_dir/deepseek_v3.dsb" | awk '/^kernels:/ {k = NR} !k || NR <= k + 4'
echo "  ..."

for model in deepseek_v3_layer mixtral_layer; do
  input=$root/examples/$model.mlir
  output=$out_dir/$model.mlir
  echo
  echo "== $model: ds-opt examples/$model.mlir --canonicalize --cse --moe-summary"
  "$ds_opt" "$input" --canonicalize --cse --moe-summary -o "$output"
  echo "   verified; canonical IR: $output ($(wc -l <"$output") lines)"
done

# The CPU reference: a tiny random Mixtral (golden fixture) imported and run
# by ds-interp, its logits compared with the Hugging Face ones.
fixture=test/golden/mixtral
echo
echo "== $fixture: ds-import | ds-interp --weights $fixture --inputs $fixture/inputs.safetensors"
"$ds_import" "$root/$fixture/config.json" -o "$out_dir/golden_mixtral.mlir"
"$ds_interp" "$out_dir/golden_mixtral.mlir" --weights "$root/$fixture" \
  --inputs "$root/$fixture/inputs.safetensors" -o "$out_dir/golden_mixtral.logits.safetensors"
python3 "$root/test/tools/ds-interp/Inputs/st.py" print \
  "$out_dir/golden_mixtral.logits.safetensors" | cut -c1-100
echo "   vs Hugging Face: $(python3 "$root/test/golden/compare.py" \
  "$out_dir/golden_mixtral.logits.safetensors" "$root/$fixture/expected.safetensors")"

# The compiled module of the same model: ds-opt -o .dsb, ds-run on the cpu
# backend, the same bits as ds-interp.
echo
echo "== $fixture: ds-opt -o golden_mixtral.dsb; ds-run --device cpu --weights $fixture --inputs $fixture/inputs.safetensors --timings"
"$ds_opt" "$out_dir/golden_mixtral.mlir" -o "$out_dir/golden_mixtral.dsb"
"$ds_run" "$out_dir/golden_mixtral.dsb" --device cpu --weights "$root/$fixture" \
  --inputs "$root/$fixture/inputs.safetensors" \
  -o "$out_dir/golden_mixtral.dsb.logits.safetensors" --timings
if cmp -s "$out_dir/golden_mixtral.dsb.logits.safetensors" \
  "$out_dir/golden_mixtral.logits.safetensors"; then
  echo "   vs ds-interp: bit-identical"
else
  echo "   vs ds-interp: DIFFERENT" >&2
  exit 1
fi
echo "   vs Hugging Face: $(python3 "$root/test/golden/compare.py" \
  "$out_dir/golden_mixtral.dsb.logits.safetensors" "$root/$fixture/expected.safetensors")"

echo
echo "== $fixture: the module's own CUDA kernels on the sim: ds-run --device sim --timings"
"$ds_run" "$out_dir/golden_mixtral.dsb" --device sim --weights "$root/$fixture" \
  --inputs "$root/$fixture/inputs.safetensors" \
  -o "$out_dir/golden_mixtral.sim.logits.safetensors" --timings
echo "   vs Hugging Face: $(python3 "$root/test/golden/compare.py" \
  "$out_dir/golden_mixtral.sim.logits.safetensors" "$root/$fixture/expected.safetensors")"
