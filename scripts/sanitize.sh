#!/usr/bin/env bash
#===- scripts/sanitize.sh - the whole test suite under ASan and UBSan -----===#
#
# Configures build-asan/ (its own folder; ASAN_BUILD_DIR overrides) with
# -fsanitize=address,undefined -fno-sanitize-recover=undefined, builds
# everything and runs the whole ctest suite there (lit, unit tests, corpus
# replays of test/fuzz). The compiler is the one of the normal build (gcc
# by default; CC/CXX choose another). The Debian LLVM/MLIR static libraries
# are not instrumented; ASAN_OPTIONS below accounts for that.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${ASAN_BUILD_DIR:-$root/build-asan}
jobs=${JOBS:-$(nproc)}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

start=$SECONDS
if [[ ! -f $build_dir/build.ninja ]]; then
  # -O1 with line tables: a faster build than -O2 and readable stacks.
  cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -g1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1 -DNDEBUG" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined"
fi
cmake --build "$build_dir" -j "$jobs"
built=$SECONDS

# allow_user_poisoning=0: uninstrumented LLVM code and ours share
# containers; detect_leaks stays on (ds frees what it allocates).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_leaks=1:abort_on_error=1}
# test/lit.cfg.py: %sim_env (no LeakSanitizer for the runs on the sim).
export DS_SANITIZED=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
echo "sanitize: build $((built - start))s, tests $((SECONDS - built))s"
