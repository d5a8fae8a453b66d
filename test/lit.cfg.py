# -*- Python -*-
# lit configuration of the ds test suite.

import os
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "ds"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ds_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%ds_src_root", config.ds_src_root))
config.substitutions.append(("%ds_obj_root", config.ds_obj_root))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%ds_tools_dir", config.ds_tools_dir))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.ds_tools_dir, config.llvm_tools_dir]
tools = ["ds-opt", "ds-translate", "ds-import", "ds-interp", "ds-run", "ds-module-gen"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The SASS checks (test/codegen/sass.test) disassemble with cuobjdump and
# nvdisasm from PyPI (nvidia-cuda-cuobjdump, nvidia-cuda-nvdisasm), which
# scripts/setup.sh installs into .tools/cuda-sass; $DS_CUOBJDUMP overrides.
import shutil

cuobjdump = os.environ.get("DS_CUOBJDUMP") or os.path.join(
    config.ds_src_root, ".tools", "cuda-sass", "nvidia", "cu13", "bin", "cuobjdump")
if not os.path.exists(cuobjdump):
    cuobjdump = shutil.which("cuobjdump") or ""
if cuobjdump:
    config.available_features.add("cuobjdump")
    config.substitutions.append(("%cuobjdump", cuobjdump))

# %sim_env prefixes the runs that execute kernels on the sim. Under the
# sanitizers (scripts/sanitize.sh sets DS_SANITIZED) it turns LeakSanitizer
# off for them: its StopTheWorld tracer crashed once ("Tracer caught signal
# 11") at the exit of a sim run under load, which the fiber stacks of
# Boost.Context may confuse; ASan and UBSan stay on, and the sim's own unit
# tests keep the leak checks.
if os.environ.get("DS_SANITIZED"):
    asan = os.environ.get("ASAN_OPTIONS", "")
    config.substitutions.append(
        ("%sim_env", "env ASAN_OPTIONS=" + (asan + ":" if asan else "") + "detect_leaks=0"))
else:
    config.substitutions.append(("%sim_env", ""))
