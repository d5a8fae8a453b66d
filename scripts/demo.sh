#!/usr/bin/env bash
#===- scripts/demo.sh - set up, build and run the main job ----------------===#
#
# Sets up the toolchain, builds ds, imports the full DeepSeek-V3 config with
# ds-import, runs a golden tiny Mixtral on the CPU reference with ds-interp,
# and runs the main job on the shipped example layers: ds-opt verifies each model, canonicalizes it (canonicalize
# + cse), writes the result to <build>/demo/ and prints a summary of it.
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
out_dir=$build_dir/demo
mkdir -p "$out_dir"

config=test/frontend/configs/deepseek-ai_DeepSeek-V3.json
echo
echo "== DeepSeek-V3: ds-import $config | ds-opt --moe-summary"
"$ds_import" "$root/$config" -o "$out_dir/deepseek_v3.mlir"
"$ds_opt" "$out_dir/deepseek_v3.mlir" --moe-summary -o /dev/null
echo "   imported and verified: $out_dir/deepseek_v3.mlir ($(wc -l <"$out_dir/deepseek_v3.mlir") lines)"

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
