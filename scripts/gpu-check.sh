#!/usr/bin/env bash
# The one prepared check for a lent GPU (design §8, docs/gpu-check.md).
#
#   scripts/gpu-check.sh prepare OUTDIR   # on the dev machine (has ds-opt)
#   scripts/gpu-check.sh run OUTDIR       # on the GPU machine
#
# `prepare` compiles, with the dev machine's ds-import and ds-opt ($DS_BIN,
# default build/bin), every golden model, the smoke module, an edge-shape
# module and two real-size 2-layer modules (DeepSeek-V3, Mixtral-8x7B) to
# .dsb, and writes their weights, inputs and expected outputs into OUTDIR
# (no real-size weights: `run` makes random ones). A model that does not
# compile is recorded, and `run` skips it saying why.
#
# `run` needs only CUDA, CMake, a C++ compiler and python3: it builds the
# runtime and ds-run (build-gpu/), then runs the stages below, each under
# `timeout`, printing one JSON object per line ({"stage", "status": ok |
# fail | skip, figures}); the whole run stays under 8 minutes. Exit status:
# 0 when no stage failed.
#
#   build      cmake -S runtime -B build-gpu && cmake --build build-gpu -j16
#   device     nvidia-smi -L and the driver
#   smoke      smoke module, cuda vs cpu at T = 1, 7, 20, 129, 1000; JIT
#   golden     every golden model, cuda vs cpu and vs expected (T = 20, 1, 7)
#   edge       T = 1, 7, 129, 1000 on a golden model, cuda vs cpu
#   sanitizer  compute-sanitizer memcheck and racecheck on the smoke module
#              and on the smallest golden model that compiled
#   timings    ds-run --timings per kernel kind on the real-size modules
#              with random weights (T = 1, 512, 4096; DS_CUDA_REPEAT=5), and
#              on the same modules compiled with fusion=false
#              (timings-unfused)
#   torch      cuBLAS GEMM and SDPA times at the same shapes, when torch is
#              importable
set -u -o pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DATA="$REPO/test/gpu/Inputs/gpu_check_data.py"
COMPARE="$REPO/test/golden/compare.py"
SLICE="$REPO/test/utils/slice_tokens.py"
PY=${PYTHON:-python3}
FAILED=0

# json STAGE STATUS [KEY VALUE]...: one JSON line; values that look like
# numbers stay numbers.
json() {
  "$PY" - "$@" <<'EOF'
import json, sys
a = sys.argv[1:]
out = {"stage": a[0], "status": a[1]}
for k, v in zip(a[2::2], a[3::2]):
    try:
        out[k] = int(v)
    except ValueError:
        try:
            out[k] = float(v)
        except ValueError:
            out[k] = v
print(json.dumps(out), flush=True)
EOF
  [ "$2" = fail ] && FAILED=1
  return 0
}

# The first line of a file that says what went wrong, for a JSON field.
first_error() {
  grep -m1 -E "error|FAIL|Error" "$1" 2>/dev/null | cut -c1-400 ||
    head -c 400 "$1" 2>/dev/null
}

#===----------------------------------------------------------------------===#
# prepare
#===----------------------------------------------------------------------===#

GOLDEN_MODELS="deepseek deepseek_v2 deepseek_v2_greedy deepseek_v3
  deepseek_v3_bf16 deepseek_v3_no_qlora mixtral mixtral_bf16 olmoe qwen2_moe
  qwen3_moe"
EDGE_MODEL=mixtral
EDGE_TOKENS="1 7 129 1000"
SMOKE_TOKENS="1 7 20 129 1000"
REAL_CONFIGS="deepseek-ai_DeepSeek-V3 mistralai_Mixtral-8x7B-v0.1"

# compile NAME MLIR DSB [ds-opt args]: ds-opt, recording a failure in
# DSB.error (the first error line) and as a JSON line.
compile() {
  local name=$1 mlir=$2 dsb=$3
  shift 3
  rm -f "$dsb" "$dsb.error"
  if timeout 600 "$BIN/ds-opt" "$mlir" -o "$dsb" "$@" 2>"$dsb.log"; then
    json prepare ok model "$name" dsb_bytes "$(stat -c %s "$dsb")"
    rm -f "$dsb.log"
  else
    first_error "$dsb.log" >"$dsb.error"
    rm -f "$dsb" "$dsb.log"
    json prepare skip model "$name" reason "ds-opt: $(cat "$dsb.error")"
  fi
}

prepare() {
  local out=$1
  BIN=${DS_BIN:-$REPO/build/bin}
  for t in ds-import ds-opt; do
    if [ ! -x "$BIN/$t" ]; then
      json prepare fail error "no $BIN/$t: build the project or set DS_BIN"
      return 1
    fi
  done
  rm -rf "$out" && mkdir -p "$out"/{golden,smoke,edge,real}
  local g="$REPO/test/golden"
  for m in $GOLDEN_MODELS; do
    local d="$out/golden/$m"
    mkdir -p "$d"
    cp "$g/$m"/*.json "$g/$m"/*.safetensors "$d/"
    for t in 1 7; do
      "$PY" "$SLICE" "$g/$m/inputs.safetensors" "$t" "$d/inputs_$t.safetensors"
    done
    "$BIN/ds-import" "$g/$m/config.json" --router-group-fill zero \
      -o "$d/model.mlir" || { json prepare fail model "$m" error ds-import; continue; }
    compile "$m" "$d/model.mlir" "$d/model.dsb"
  done

  # The smoke module: kernels for each of its launches today.
  cp "$REPO/test/gpu/Inputs/smoke.mlir" "$out/smoke/"
  compile smoke "$out/smoke/smoke.mlir" "$out/smoke/smoke.dsb"
  "$PY" "$REPO/test/gpu/Inputs/smoke_data.py" "$out/smoke" $SMOKE_TOKENS

  # Edge token counts on a golden model: up to 1000 tokens per call, the
  # fixture's ids repeated, positions modulo its max_position_embeddings.
  local e="$out/edge" maxpos
  cp "$g/$EDGE_MODEL/model.safetensors" "$e/"
  maxpos=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['max_position_embeddings'])" "$g/$EDGE_MODEL/config.json")
  "$BIN/ds-import" "$g/$EDGE_MODEL/config.json" --router-group-fill zero \
    --max-tokens 1000 -o "$e/model.mlir"
  compile "edge-$EDGE_MODEL" "$e/model.mlir" "$e/model.dsb"
  for t in $EDGE_TOKENS; do
    "$PY" "$DATA" tokens "$g/$EDGE_MODEL/inputs.safetensors" "$t" "$maxpos" \
      "$e/inputs_$t.safetensors"
  done

  # Real-size modules, 2 layers; `run` generates their random weights from
  # tensors.json.
  for c in $REAL_CONFIGS; do
    local r="$out/real/$c"
    mkdir -p "$r"
    cp "$REPO/test/frontend/configs/$c.json" "$r/config.json"
    "$BIN/ds-import" "$r/config.json" --num-layers 2 -o "$r/model.mlir" ||
      { json prepare fail model "$c" error ds-import; continue; }
    "$PY" "$DATA" tensors "$r/model.mlir" "$r/tensors.json"
    compile "$c" "$r/model.mlir" "$r/model.dsb"
    # The same model without the fusion passes: `timings` runs both, so the
    # fusions' effect on the forward time is measured in one run.
    compile "$c-unfused" "$r/model.mlir" "$r/model.unfused.dsb" \
      --ds-compile-options=fusion=false
    rm -f "$r/model.mlir"
  done
  # The modules travel compressed (cubins, PTX and sources: about 13 times
  # smaller); `run` unpacks them.
  find "$out" -name '*.dsb' -print0 | xargs -0 -r "$PY" "$DATA" xz
  local bytes
  bytes=$(du -sb "$out" | cut -f1)
  if [ "$bytes" -gt $((50 << 20)) ]; then
    json prepare fail outdir "$out" bytes "$bytes" error "over 50 MiB"
  else
    json prepare ok outdir "$out" bytes "$bytes"
  fi
  return $FAILED
}

#===----------------------------------------------------------------------===#
# run
#===----------------------------------------------------------------------===#

RUN_DIR=${TMPDIR:-/tmp}/ds-gpu-check
# The whole run ends within DEADLINE seconds of its start: a stage that
# would need more than is left is skipped, saying so.
DEADLINE=${DS_GPU_CHECK_DEADLINE:-450}
RUN_START=$SECONDS

# time_for STAGE SECONDS: whether SECONDS are left; else a skip line.
time_for() {
  local left=$((DEADLINE - (SECONDS - RUN_START)))
  if [ "$left" -lt "$2" ]; then
    json "$1" skip reason "out of time: ${left} s left of ${DEADLINE}, the stage needs ${2}"
    return 1
  fi
}

# cuda_vs_cpu STAGE MODEL DSB WEIGHTS INPUTS RTOL [EXPECTED]: runs both
# devices (timeout 60 s each) and compares the logits; one JSON line.
cuda_vs_cpu() {
  local stage=$1 model=$2 dsb=$3 weights=$4 inputs=$5 rtol=$6 expected=${7:-}
  local tag
  tag=$(basename "$inputs" .safetensors)
  local o="$RUN_DIR/$stage-$model-$tag"
  local t
  t=$("$PY" -c "import sys; sys.path.insert(0, sys.argv[2]); import safetensors_io as st; print(next(iter(st.read_file(sys.argv[1]).values()))[1][0])" "$inputs" "$REPO/test/utils")
  if ! timeout 60 "$DSRUN" "$dsb" --weights "$weights" --inputs "$inputs" \
    -o "$o.cpu.safetensors" --device cpu 2>"$o.cpu.log"; then
    json "$stage" fail model "$model" tokens "$t" error "cpu: $(first_error "$o.cpu.log")"
    return
  fi
  if ! timeout 60 "$DSRUN" "$dsb" --weights "$weights" --inputs "$inputs" \
    -o "$o.cuda.safetensors" --device cuda --timings 2>"$o.cuda.log"; then
    json "$stage" fail model "$model" tokens "$t" error "cuda: $(first_error "$o.cuda.log")"
    return
  fi
  local vs_cpu vs_expected="" status=ok
  vs_cpu=$("$PY" "$COMPARE" "$o.cuda.safetensors" "$o.cpu.safetensors" --rtol "$rtol" 2>&1) || status=fail
  if [ -n "$expected" ]; then
    vs_expected=$("$PY" "$COMPARE" "$o.cuda.safetensors" "$expected" --rtol "$rtol" 2>&1) || status=fail
  fi
  local gpu_us
  gpu_us=$(grep -o "launches, [0-9.]* us" "$o.cuda.log" | grep -o "[0-9.]* us" | cut -d' ' -f1)
  json "$stage" "$status" model "$model" tokens "$t" rtol "$rtol" \
    vs_cpu "$vs_cpu" vs_expected "${vs_expected:--}" gpu_us "${gpu_us:-0}"
}

stage_build() {
  local log="$RUN_DIR/build.log" start=$SECONDS
  if timeout 300 bash -c "cmake -S '$REPO/runtime' -B '$REPO/build-gpu' \
      -DCMAKE_BUILD_TYPE=Release -DDS_RUNTIME_BUILD_TESTS=OFF &&
      cmake --build '$REPO/build-gpu' -j${DS_GPU_CHECK_JOBS:-16}" >"$log" 2>&1; then
    DSRUN="$REPO/build-gpu/bin/ds-run"
    json build ok seconds $((SECONDS - start)) ds_run "$DSRUN"
  else
    json build fail seconds $((SECONDS - start)) error "$(first_error "$log")"
    return 1
  fi
}

stage_device() {
  local smi
  smi=$(timeout 30 nvidia-smi -L 2>&1 | head -1) || true
  # A session with no module says what the driver has: the error names it.
  if [ -z "$smi" ] || ! grep -q "^GPU 0:" <<<"$smi"; then
    json device skip reason "no GPU: ${smi:-nvidia-smi not found}"
    return 1
  fi
  local driver
  driver=$(timeout 30 nvidia-smi --query-gpu=driver_version,memory.total \
    --format=csv,noheader 2>/dev/null | head -1)
  json device ok gpu "$smi" driver "$driver"
}

stage_smoke() {
  local s="$OUT/smoke"
  if [ ! -f "$s/smoke.dsb" ]; then
    json smoke skip reason "not compiled: $(cat "$s/smoke.dsb.error" 2>/dev/null)"
    return
  fi
  for t in $SMOKE_TOKENS; do
    cuda_vs_cpu smoke smoke "$s/smoke.dsb" "$s/weights.safetensors" \
      "$s/inputs_$t.safetensors" 2e-2
  done
  # The NVRTC path on this GPU: DS_CUDA_JIT=1 compiles the embedded sources.
  local log="$RUN_DIR/smoke-jit.log"
  if DS_CUDA_JIT=1 DS_CUDA_VERBOSE=1 DS_CACHE_DIR="$RUN_DIR/cache" \
    timeout 120 "$DSRUN" "$s/smoke.dsb" --weights "$s/weights.safetensors" \
    --inputs "$s/inputs_20.safetensors" -o "$RUN_DIR/smoke-jit.safetensors" \
    --device cuda 2>"$log"; then
    local cmp status=ok
    cmp=$("$PY" "$COMPARE" "$RUN_DIR/smoke-jit.safetensors" \
      "$RUN_DIR/smoke-smoke-inputs_20.cpu.safetensors" --rtol 2e-2 2>&1) || status=fail
    json smoke-jit "$status" kernels "$(grep -m1 -o '[0-9]* kernels: .*' "$log")" vs_cpu "$cmp"
  else
    json smoke-jit fail error "$(first_error "$log")"
  fi
}

golden_rtol() {
  case $1 in *bf16*) echo 2e-2 ;; *) echo 1e-4 ;; esac
}

stage_golden() {
  for m in $GOLDEN_MODELS; do
    local d="$OUT/golden/$m"
    time_for golden 15 || return
    if [ ! -f "$d/model.dsb" ]; then
      json golden skip model "$m" reason "not compiled: $(cat "$d/model.dsb.error" 2>/dev/null)"
      continue
    fi
    local rtol
    rtol=$(golden_rtol "$m")
    cuda_vs_cpu golden "$m" "$d/model.dsb" "$d" "$d/inputs.safetensors" \
      "$rtol" "$d/expected.safetensors"
    for t in 1 7; do
      cuda_vs_cpu golden "$m" "$d/model.dsb" "$d" "$d/inputs_$t.safetensors" "$rtol"
    done
  done
}

stage_edge() {
  local e="$OUT/edge"
  if [ ! -f "$e/model.dsb" ]; then
    json edge skip model "$EDGE_MODEL" reason "not compiled: $(cat "$e/model.dsb.error" 2>/dev/null)"
    return
  fi
  for t in $EDGE_TOKENS; do
    cuda_vs_cpu edge "$EDGE_MODEL" "$e/model.dsb" "$e/model.safetensors" \
      "$e/inputs_$t.safetensors" "$(golden_rtol "$EDGE_MODEL")"
  done
}

# sanitize NAME DSB WEIGHTS INPUTS: memcheck and racecheck.
sanitize() {
  local name=$1 dsb=$2 weights=$3 inputs=$4
  for tool in memcheck racecheck; do
    time_for sanitizer 30 || return
    local log="$RUN_DIR/sanitizer-$name-$tool.log"
    timeout 150 "$SANITIZER" --tool "$tool" --error-exitcode 3 \
      "$DSRUN" "$dsb" --weights "$weights" --inputs "$inputs" \
      -o "$RUN_DIR/sanitizer-$name.safetensors" --device cuda >"$log" 2>&1
    local rc=$? summary
    summary=$(grep -m1 "ERROR SUMMARY\|RACECHECK SUMMARY" "$log" | cut -c1-200)
    if [ $rc -eq 0 ]; then
      json sanitizer ok model "$name" tool "$tool" summary "${summary:-no summary}"
    elif [ $rc -eq 124 ]; then
      json sanitizer fail model "$name" tool "$tool" error "timed out after 150 s"
    else
      json sanitizer fail model "$name" tool "$tool" exit "$rc" \
        summary "${summary:-$(first_error "$log")}"
    fi
  done
}

stage_sanitizer() {
  SANITIZER=$(command -v compute-sanitizer || true)
  [ -z "$SANITIZER" ] && [ -x /usr/local/cuda/bin/compute-sanitizer ] &&
    SANITIZER=/usr/local/cuda/bin/compute-sanitizer
  if [ -z "$SANITIZER" ]; then
    json sanitizer skip reason "compute-sanitizer not found"
    return
  fi
  local s="$OUT/smoke"
  [ -f "$s/smoke.dsb" ] && sanitize smoke "$s/smoke.dsb" \
    "$s/weights.safetensors" "$s/inputs_7.safetensors"
  local m
  for m in mixtral_bf16 mixtral olmoe; do
    local d="$OUT/golden/$m"
    if [ -f "$d/model.dsb" ]; then
      sanitize "$m" "$d/model.dsb" "$d" "$d/inputs_7.safetensors"
      return
    fi
  done
  json sanitizer skip reason "no golden model compiled"
}

stage_timings() {
  for c in $REAL_CONFIGS; do
    local r="$OUT/real/$c"
    if [ ! -f "$r/model.dsb" ]; then
      json timings skip model "$c" reason "not compiled: $(cat "$r/model.dsb.error" 2>/dev/null)"
      continue
    fi
    time_for timings 60 || return
    local w="$RUN_DIR/$c.safetensors" start=$SECONDS
    if ! timeout 120 "$PY" "$DATA" checkpoint "$r/tensors.json" "$w" \
      2>"$RUN_DIR/$c.gen.log"; then
      json timings fail model "$c" error "random weights: $(first_error "$RUN_DIR/$c.gen.log")"
      continue
    fi
    json timings-weights ok model "$c" bytes "$(stat -c %s "$w")" seconds $((SECONDS - start))
    local vocab
    vocab=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['vocab_size'])" "$r/config.json")
    for t in $TIMING_TOKENS; do
      time_for timings 25 || break
      "$PY" "$DATA" random-ids "$vocab" "$t" "$RUN_DIR/$c-ids-$t.safetensors"
      DS_CUDA_REPEAT=5 timeout 120 "$DSRUN" "$r/model.dsb" --weights "$w" \
        --inputs "$RUN_DIR/$c-ids-$t.safetensors" -o "$RUN_DIR/$c-out.safetensors" \
        --device cuda --timings --max-tokens 4096 2>"$RUN_DIR/$c-$t.log"
      "$PY" "$DATA" timings timings "$c" "$t" <"$RUN_DIR/$c-$t.log" || FAILED=1
      # fusion=false, the same weights and inputs (the checkpoint keys are the
      # imported model's, which both modules bind).
      [ -f "$r/model.unfused.dsb" ] || continue
      time_for timings 15 || break
      DS_CUDA_REPEAT=5 timeout 120 "$DSRUN" "$r/model.unfused.dsb" --weights "$w" \
        --inputs "$RUN_DIR/$c-ids-$t.safetensors" -o "$RUN_DIR/$c-out.unfused.safetensors" \
        --device cuda --timings --max-tokens 4096 2>"$RUN_DIR/$c-$t.unfused.log"
      "$PY" "$DATA" timings timings-unfused "$c" "$t" <"$RUN_DIR/$c-$t.unfused.log" || FAILED=1
    done
    rm -f "$w"
  done
}

stage_torch() {
  for c in $REAL_CONFIGS; do
    timeout 90 "$PY" "$DATA" torch-reference "$OUT/real/$c/config.json" \
      $TIMING_TOKENS 2>"$RUN_DIR/torch-$c.log" ||
      json torch-reference fail model "$c" error "$(tail -c 300 "$RUN_DIR/torch-$c.log")"
  done
}

run() {
  OUT=$(cd "$1" && pwd) || { json run fail error "no OUTDIR $1"; return 1; }
  TIMING_TOKENS=${DS_GPU_CHECK_TOKENS:-"1 512 4096"}
  rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
  find "$OUT" -name '*.dsb.xz' -print0 | xargs -0 -r "$PY" "$DATA" unxz ||
    json unpack fail error "cannot unpack the modules of $OUT"
  local start=$SECONDS
  RUN_START=$SECONDS
  json start ok outdir "$OUT" host "$(hostname)" deadline "$DEADLINE"
  if stage_build && stage_device; then
    time_for smoke 30 && stage_smoke
    time_for golden 60 && stage_golden
    time_for edge 20 && stage_edge
    time_for sanitizer 60 && stage_sanitizer
    time_for timings 90 && stage_timings
    time_for torch-reference 20 && stage_torch
  else
    json run skip reason "no runtime build or no GPU: the GPU stages did not run"
    FAILED=1
  fi
  json summary "$([ $FAILED = 0 ] && echo ok || echo fail)" seconds $((SECONDS - start))
  return $FAILED
}

case ${1:-} in
prepare) [ $# -eq 2 ] || { echo "usage: $0 prepare OUTDIR" >&2; exit 2; }
  prepare "$2" ;;
run) [ $# -eq 2 ] || { echo "usage: $0 run OUTDIR" >&2; exit 2; }
  run "$2" ;;
*) sed -n '2,30p' "$0" >&2; exit 2 ;;
esac
