#!/usr/bin/env bash
#===- scripts/setup.sh - install the pinned toolchain ---------------------===#
#
# Idempotent: installs the Debian bookworm packages of design §9 that are
# missing (nothing when all are present) and checks the CUDA 13 toolkit.
# Needs root (or sudo) only when something must be installed.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

PACKAGES=(
  # LLVM/MLIR 22: headers, CMake config, mlir-tblgen, FileCheck, lit.
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  # Build tools.
  cmake ninja-build ccache g++ python3
  # Runtime and tool dependencies: flatbuffers, CLI, GoogleTest (the
  # runtime carries its JSON library in runtime/third_party).
  libflatbuffers-dev flatbuffers-compiler libcli11-dev
  libgtest-dev
  # The sim backend's fibers (runtime/sim; optional: the runtime builds
  # without the sim when it is missing).
  libboost-context-dev
  # clang 22 with its sanitizer and libFuzzer runtimes: scripts/fuzz.sh.
  clang-22 libclang-rt-22-dev
)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "setup: error: packages missing (${missing[*]}) and not root; run" \
           "'apt-get install ${missing[*]}' as root" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#PACKAGES[@]} pinned packages are installed"
fi

# The tools the build relies on, where design §9 says they are.
for tool in /usr/lib/llvm-22/bin/mlir-tblgen /usr/lib/llvm-22/bin/FileCheck \
            /usr/lib/llvm-22/bin/lit /usr/lib/llvm-22/lib/cmake/mlir/MLIRConfig.cmake; do
  if [[ ! -e $tool ]]; then
    echo "setup: error: $tool is missing although its package is installed" >&2
    exit 1
  fi
done

# CUDA 13 toolkit: NVRTC (headers + library) and the driver API (header + stub).
cuda_home=${CUDA_HOME:-/usr/local/cuda}
cuda_missing=()
for f in include/nvrtc.h lib64/libnvrtc.so include/cuda.h lib64/stubs/libcuda.so; do
  [[ -e $cuda_home/$f ]] || cuda_missing+=("$cuda_home/$f")
done
if ((${#cuda_missing[@]})); then
  cat >&2 <<MSG
setup: warning: the CUDA 13 toolkit is incomplete; missing:
$(printf '  %s\n' "${cuda_missing[@]}")
  The compiler and the CPU runtime build without it; NVRTC code generation
  and the CUDA backend need it. Install NVIDIA's CUDA Toolkit 13 (Debian 12:
  the 'cuda-toolkit-13-0' package from NVIDIA's CUDA apt repository, or the
  runfile installer) into /usr/local/cuda, or point CUDA_HOME at it.
MSG
else
  nvrtc_version=$(grep -m1 -o 'CUDA_VERSION [0-9]*' "$cuda_home/include/cuda.h" | awk '{print $2}')
  if [[ -n ${nvrtc_version:-} && ${nvrtc_version} -lt 13000 ]]; then
    echo "setup: warning: $cuda_home is CUDA $nvrtc_version; ds is pinned to CUDA 13" >&2
  else
    echo "setup: CUDA toolkit found at $cuda_home (CUDA_VERSION ${nvrtc_version:-unknown})"
  fi
fi

# The SASS checks' disassembler (design §9: not in the toolkit; PyPI's
# nvidia-cuda-cuobjdump and nvidia-cuda-nvdisasm) into .tools/cuda-sass. CI
# needs it (the gate must run, not skip); elsewhere it is optional.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sass_dir=$root/.tools/cuda-sass
if [[ ! -x $sass_dir/nvidia/cu13/bin/cuobjdump || ! -x $sass_dir/nvidia/cu13/bin/nvdisasm ]]; then
  if python3 -m pip install --quiet --disable-pip-version-check --target "$sass_dir" \
       nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm >/dev/null 2>&1; then
    echo "setup: cuobjdump and nvdisasm installed into $sass_dir"
  elif [[ -n ${CI:-} ]]; then
    echo "setup: error: cannot pip install nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm (the SASS checks need them)" >&2
    exit 1
  else
    echo "setup: warning: no cuobjdump (pip install nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm failed); the SASS checks will be unsupported" >&2
  fi
else
  echo "setup: cuobjdump and nvdisasm found in $sass_dir"
fi
