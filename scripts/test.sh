#!/usr/bin/env bash
#===- scripts/test.sh - set up, build and run the whole test suite --------===#
#
# From a fresh clone: installs the toolchain (scripts/setup.sh), builds, and
# runs every test through CTest (the lit suite, unit tests, doc checks).
# In CI (CI set) or with DS_FULL_TEST=1 it then runs the same suite built
# with ASan+UBSan (scripts/sanitize.sh, build-asan/) and every fuzz target
# for 30 s (scripts/fuzz.sh 30, build-fuzz/; FUZZ_SECONDS overrides), which
# keeps CI under 45 minutes; DS_FULL_TEST=0 skips them.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
"$root/scripts/build.sh"
ctest --test-dir "$build_dir" --output-on-failure -j "${JOBS:-$(nproc)}"

if [[ ${DS_FULL_TEST:-${CI:+1}} == 1 ]]; then
  "$root/scripts/sanitize.sh"
  "$root/scripts/fuzz.sh" "${FUZZ_SECONDS:-30}"
fi
