#!/usr/bin/env python3
"""Data and reports of scripts/gpu-check.sh (standard library only; torch
only for `torch-reference`, and only when importable).

  gpu_check_data.py tokens IN.safetensors T MAX_POSITIONS OUT.safetensors
      input_ids of IN repeated to T tokens, positions i % MAX_POSITIONS
  gpu_check_data.py random-ids VOCAB T OUT.safetensors
      T seeded random input_ids in [0, VOCAB), positions 0 .. T-1
  gpu_check_data.py tensors MODULE.mlir OUT.json
      the checkpoint tensors (key, dtype, shape) a module printed by
      ds-import reads (stacked `*` keys expanded)
  gpu_check_data.py checkpoint TENSORS.json OUT.safetensors
      a checkpoint of random values for the tensors of TENSORS.json: the
      bytes of os.urandom mapped through a table that clears the top
      exponent bits, so every float is finite and small (bf16 and f32 in
      [2^-7, 2^-3), fp8 e4m3 in [1, 2), either sign)
  gpu_check_data.py xz FILE...
      FILE.xz for each FILE (removed); modules compress about 13 times
  gpu_check_data.py unxz FILE.xz...
      FILE for each FILE.xz (kept)
  gpu_check_data.py timings STAGE MODEL T < ds-run-stderr
      one JSON line of `ds-run --timings` output: total and per-kind times
  gpu_check_data.py torch-reference CONFIG.json T...
      JSON lines of cuBLAS GEMM and SDPA times (torch, bf16) at the
      shapes of a Hugging Face config; a "skip" line without torch or GPU
"""

import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "utils"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "frontend", "Inputs"))
import safetensors_io as st  # noqa: E402

# Every byte b -> (b & 0x81) | 0x3C: a float's top byte (sign, then the high
# exponent bits) becomes s0111 10x, so exponents stay below the bias.
TABLE = bytes(((b & 0x81) | 0x3C) for b in range(256))
CHUNK = 64 << 20


def tokens(args):
    source, count, max_pos, out = args[0], int(args[1]), int(args[2]), args[3]
    _, _, data = st.read_file(source)["input_ids"]
    ids = st.decode("I32", data)
    ids = [ids[i % len(ids)] for i in range(count)]
    positions = [i % max_pos for i in range(count)]
    st.write_file(out, [("input_ids", "I32", [count], st.encode("I32", ids)),
                        ("positions", "I32", [count],
                         st.encode("I32", positions))])


def random_ids(args):
    vocab, count, out = int(args[0]), int(args[1]), args[2]
    rng = random.Random(count)
    ids = [rng.randrange(vocab) for _ in range(count)]
    st.write_file(out, [("input_ids", "I32", [count], st.encode("I32", ids)),
                        ("positions", "I32", [count],
                         st.encode("I32", list(range(count))))])


def tensors(args):
    import make_checkpoint  # test/frontend/Inputs
    listed = [{"key": k, "dtype": d, "shape": s}
              for k, d, s in make_checkpoint.module_tensors(args[0])]
    with open(args[1], "w") as f:
        json.dump(listed, f)


def checkpoint(args):
    with open(args[0]) as f:
        listed = json.load(f)
    header, offset = {}, 0
    for t in listed:
        n = st.element_size(t["dtype"])
        for d in t["shape"]:
            n *= d
        header[t["key"]] = {"dtype": t["dtype"], "shape": t["shape"],
                            "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(args[1], "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        left = offset
        while left:
            n = min(left, CHUNK)
            f.write(os.urandom(n).translate(TABLE))
            left -= n


def xz(args):
    import lzma
    for path in args:
        with open(path, "rb") as f:
            data = f.read()
        with open(path + ".xz", "wb") as f:
            f.write(lzma.compress(data, preset=9))
        os.remove(path)


def unxz(args):
    import lzma
    for path in args:
        with open(path, "rb") as f:
            data = lzma.decompress(f.read())
        with open(path[:-3], "wb") as f:
            f.write(data)


LINE = re.compile(r"^\s+(\w+)\s+(\d+)\s+([0-9.]+) us")
TOTAL = re.compile(r"T = (\d+): (\d+) launches, ([0-9.]+) us")


def timings(args):
    stage, model, count = args[0], args[1], int(args[2])
    text = sys.stdin.read()
    total = TOTAL.search(text)
    kinds = {m.group(1): {"launches": int(m.group(2)),
                          "us": float(m.group(3))}
             for m in map(LINE.match, text.splitlines()) if m}
    if not total:
        last = text.strip().splitlines()[-1:] or ["no output"]
        print(json.dumps({"stage": stage, "model": model, "tokens": count,
                          "status": "fail", "error": last[0][:400]}))
        return 1
    print(json.dumps({"stage": stage, "model": model, "tokens": count,
                      "status": "ok", "launches": int(total.group(2)),
                      "total_us": float(total.group(3)), "kinds": kinds}))
    return 0


def torch_reference(args):
    stage = "torch-reference"
    with open(args[0]) as f:
        c = json.load(f)
    # The model: the config's folder (real/<model>/config.json) or name.
    base = os.path.splitext(os.path.basename(args[0]))[0]
    model = (os.path.basename(os.path.dirname(os.path.abspath(args[0])))
             if base == "config" else base)
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print(json.dumps({"stage": stage, "model": model, "status": "skip",
                          "reason": "torch is not importable"}))
        return 0
    if not torch.cuda.is_available():
        print(json.dumps({"stage": stage, "model": model, "status": "skip",
                          "reason": "torch sees no GPU"}))
        return 0
    hidden = c["hidden_size"]
    heads = c["num_attention_heads"]
    head_dim = c.get("head_dim") or c.get("qk_nope_head_dim", 0) + c.get(
        "qk_rope_head_dim", 0) or hidden // heads
    v_dim = c.get("v_head_dim") or head_dim
    inter = c.get("moe_intermediate_size") or c["intermediate_size"]
    vocab = c["vocab_size"]
    dev = torch.device("cuda")

    def bench(fn, reps=20):
        for _ in range(3):
            fn()
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(reps):
            fn()
        end.record()
        torch.cuda.synchronize()
        return start.elapsed_time(end) * 1000.0 / reps

    for t in (int(x) for x in args[1:]):
        shapes = {"q_proj": (hidden, heads * head_dim),
                  "o_proj": (heads * v_dim, hidden),
                  "expert_gate_up": (hidden, 2 * inter),
                  "expert_down": (inter, hidden),
                  "lm_head": (hidden, vocab)}
        out = {}
        for name, (k, n) in shapes.items():
            a = torch.randn(t, k, device=dev, dtype=torch.bfloat16)
            w = torch.randn(k, n, device=dev, dtype=torch.bfloat16)
            us = bench(lambda: a @ w)
            out[name] = {"m": t, "k": k, "n": n, "us": round(us, 2),
                         "tflops": round(2 * t * k * n / us / 1e6, 1)}
        q = torch.randn(1, heads, t, head_dim, device=dev,
                        dtype=torch.bfloat16)
        v = torch.randn(1, heads, t, v_dim, device=dev, dtype=torch.bfloat16)
        us = bench(lambda: F.scaled_dot_product_attention(q, q, v,
                                                          is_causal=True))
        out["sdpa_causal"] = {"heads": heads, "tokens": t,
                              "head_dim": head_dim, "us": round(us, 2)}
        print(json.dumps({"stage": stage, "model": model, "tokens": t,
                          "status": "ok", "torch": torch.__version__,
                          "ops": out}))
    return 0


COMMANDS = {"tokens": tokens, "random-ids": random_ids, "tensors": tensors,
            "checkpoint": checkpoint, "timings": timings, "xz": xz, "unxz": unxz,
            "torch-reference": torch_reference}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__.strip())
    return COMMANDS[sys.argv[1]](sys.argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main())
