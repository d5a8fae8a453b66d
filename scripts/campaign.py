#!/usr/bin/env python3
"""A hostile-input campaign against the ds tools.

Usage: campaign.py --bin BUILD/bin [--cases N] [--work DIR] [--jobs J]
                   [--seed S] [--timeout SECONDS]

Builds deterministic mutations of real inputs and runs the tool that reads
each one, normally from a sanitizer build (scripts/sanitize.sh builds
build-asan/bin):

  config      config.json files (public and golden) with a field replaced by
              huge, negative, fractional, non-finite, mistyped or deeply
              nested values, truncated, or with bytes flipped -> ds-import
  checkpoint  golden safetensors checkpoints with a mutated header (dtypes,
              shapes, offsets, header length), truncated data, flipped bytes,
              and sharded indexes with mutated weight maps -> ds-import
              --check-weights and ds-interp
  ir          valid moe modules with an integer replaced by an extreme value,
              truncated, or with bytes or lines changed -> ds-opt (parse and
              verify, and the moe passes)
  input       golden models run on mutated inputs: token ids and positions
              out of range, too many tokens, wrong dtypes, ranks and names
              -> ds-interp

A case fails when the tool crashes (a signal, an exit status other than 0
and 1, or a sanitizer report), hangs (the timeout), or exits 0 on an input
that the case knows to be invalid (an out-of-range index or size, a corrupt
checkpoint): "silently accepted". Prints one JSON object with the counts per
kind, and every failure with the command that reproduces it; exits 1 when
anything failed.

Needs only the Python standard library.
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "utils"))
import safetensors_io as st  # noqa: E402

GOLDEN = os.path.join(ROOT, "test", "golden")
PUBLIC_CONFIGS = os.path.join(ROOT, "test", "frontend", "configs")
SANITIZER_MARKS = ("AddressSanitizer", "UndefinedBehaviorSanitizer",
                   "LeakSanitizer", "runtime error:", "Assertion",
                   "PLEASE submit a bug report", "Stack dump")

# Values that a hostile config.json might hold; "raw" ones are written as
# they are spelled (1e400 is not a Python float JSON can write).
HOSTILE = [None, "x", -1, 0, 1, 3, 2**31, 2**62, 2**63 - 1, -2**63, 2**64,
           1e30, 2.5, -0.0, [], {}, True, [1, 2, 3],
           ("raw", "1e400"), ("raw", "-1e400"), ("raw", "[" * 64 + "]" * 64),
           ("raw", "[" * 100000 + "]" * 100000)]
SIZE_FIELDS = {"vocab_size", "hidden_size", "num_hidden_layers",
               "num_attention_heads", "max_position_embeddings",
               "intermediate_size"}
EXTREME_INTS = [0, -1, 1, 2**31, 2**62, 9223372036854775807, 16777217,
                16777216, -9223372036854775808, 99999999999]


def dump(value):
    if isinstance(value, tuple) and value[0] == "raw":
        return value[1]
    return json.dumps(value)


def config_text(config, key, value):
    items = []
    for k, v in config.items():
        items.append(f"{json.dumps(k)}: {dump(value) if k == key else json.dumps(v)}")
    if key not in config:
        items.append(f"{json.dumps(key)}: {dump(value)}")
    return "{" + ", ".join(items) + "}"


class Campaign:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.work = os.path.abspath(args.work)
        self.rng = random.Random(args.seed)
        self.cases = []  # (kind, name, argv, must_reject, setup)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)

    def tool(self, name):
        return os.path.join(self.bin, name)

    def path(self, *parts):
        p = os.path.join(self.work, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def add(self, kind, name, argv, must_reject=False):
        self.cases.append((kind, name, argv, must_reject))

    # --- configs ---------------------------------------------------------
    def config_sources(self):
        sources = [os.path.join(PUBLIC_CONFIGS, f)
                   for f in sorted(os.listdir(PUBLIC_CONFIGS))
                   if f.endswith(".json")]
        sources += [os.path.join(GOLDEN, d, "config.json")
                    for d in sorted(os.listdir(GOLDEN))
                    if os.path.isfile(os.path.join(GOLDEN, d, "config.json"))]
        return sources

    def make_configs(self, count):
        sources = self.config_sources()
        for i in range(count):
            source = sources[i % len(sources)]
            text = open(source).read()
            config = json.loads(text)
            choice = self.rng.random()
            must_reject = False
            if choice < 0.8:
                key = self.rng.choice(sorted(config) + ["rope_scaling"])
                value = self.rng.choice(HOSTILE)
                data = config_text(config, key, value)
                tag = f"{key}={dump(value)[:40]}"
                must_reject = (key in SIZE_FIELDS and isinstance(value, int)
                               and not isinstance(value, bool)
                               and (value > 2**24 or value < 0))
            elif choice < 0.9:
                cut = self.rng.randrange(len(text))
                data, tag = text[:cut], f"truncate-{cut}"
            else:
                b = bytearray(text.encode())
                for _ in range(self.rng.randint(1, 4)):
                    b[self.rng.randrange(len(b))] = self.rng.choice(
                        b'0123456789[]{}",:-e.\x00\xff')
                data, tag = b.decode(errors="replace"), "bytes"
            path = self.path("config", f"{i}.json")
            with open(path, "w") as f:
                f.write(data)
            layers = [] if self.rng.random() < 0.3 else ["--num-layers", "1"]
            self.add("config", f"{os.path.basename(os.path.dirname(source)) if source.startswith(GOLDEN) else os.path.basename(source)} {tag}",
                     [self.tool("ds-import"), path, *layers, "-o",
                      self.path("config", f"{i}.mlir")], must_reject)

    # --- checkpoints -----------------------------------------------------
    def golden_models(self):
        return [d for d in sorted(os.listdir(GOLDEN))
                if os.path.isfile(os.path.join(GOLDEN, d, "model.safetensors"))]

    def imported(self, model):
        """The golden model imported once (normal, trusted run)."""
        out = self.path("models", f"{model}.mlir")
        if not os.path.exists(out):
            subprocess.run([self.tool("ds-import"),
                            os.path.join(GOLDEN, model, "config.json"),
                            "--router-group-fill", "zero", "-o", out],
                           check=True, capture_output=True)
        return out

    def mutate_header(self, header):
        """Mutates one tensor's entry; returns a tag."""
        names = [n for n in header if n != "__metadata__"]
        name = self.rng.choice(names)
        entry = header[name]
        what = self.rng.randrange(7)
        if what == 0:
            entry["dtype"] = self.rng.choice(
                ["F32", "BF16", "F16", "I64", "I8", "BOOL", "F8_E8M0", "X",
                 7, None])
            return f"{name}.dtype={entry['dtype']}"
        if what == 1:
            shape = list(entry["shape"]) or [1]
            shape[self.rng.randrange(len(shape))] = self.rng.choice(
                EXTREME_INTS + ["x", 1.5])
            entry["shape"] = shape
            return f"{name}.shape={shape}"
        if what == 2:
            entry["shape"] = self.rng.choice(
                [[], [1] * 40, [2**32, 2**32], [0], "x"])
            return f"{name}.shape={str(entry['shape'])[:30]}"
        if what == 3:
            begin, end = entry["data_offsets"]
            entry["data_offsets"] = self.rng.choice(
                [[begin, end + 4], [begin - 4, end], [end, begin],
                 [begin, 2**63 - 1], [-8, end], [begin], [begin, end, end],
                 [2**64, 2**64 + 4], [0, 4]])
            return f"{name}.data_offsets={entry['data_offsets']}"
        if what == 4:
            del entry[self.rng.choice(["dtype", "shape", "data_offsets"])]
            return f"{name} missing field"
        if what == 5:
            header["__metadata__"] = self.rng.choice(
                [{"format": 3}, [], "x", {"a": {"b": 1}}])
            return "__metadata__"
        header[name + "_dup"] = dict(entry)
        return f"{name} aliased"

    def write_checkpoint(self, src, dst, rng_kind):
        with open(src, "rb") as f:
            data = f.read()
        (n,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + n])
        body = data[8 + n:]
        if rng_kind == "header":
            before = json.dumps(header, sort_keys=True)
            tag = self.mutate_header(header)
            text = json.dumps(header).encode()
            text += b" " * (-len(text) % 8)
            out = struct.pack("<Q", len(text)) + text + body
            # A metadata change keeps the checkpoint valid, and so does a
            # mutation that happened to write the value already there.
            must = (tag != "__metadata__" and
                    json.dumps(header, sort_keys=True) != before)
        elif rng_kind == "length":
            value = self.rng.choice([0, 1, n - 1, n + 1, len(data), 2**63,
                                     2**64 - 1, 100 << 20])
            out = struct.pack("<Q", value) + data[8:]
            tag, must = f"header length {value}", value != n
        elif rng_kind == "truncate":
            cut = self.rng.randrange(len(data))
            out, tag, must = data[:cut], f"truncate-{cut}", True
        else:
            b = bytearray(data)
            for _ in range(self.rng.randint(1, 4)):
                b[8 + self.rng.randrange(n)] = self.rng.choice(
                    b'0123456789[]{}",:-\x00\xff')
            out, tag, must = bytes(b), "header bytes", False
        with open(dst, "wb") as f:
            f.write(out)
        return tag, must

    def shard(self, model, dst_dir):
        """Splits a golden checkpoint into two shards and an index."""
        tensors = st.read_file(os.path.join(GOLDEN, model, "model.safetensors"))
        names = sorted(tensors)
        half = len(names) // 2
        weight_map = {}
        for i, part in enumerate((names[:half], names[half:])):
            file = f"model-{i + 1:05d}-of-00002.safetensors"
            st.write_file(os.path.join(dst_dir, file),
                          [(n, *tensors[n]) for n in part])
            weight_map.update({n: file for n in part})
        return weight_map

    def make_checkpoints(self, count):
        models = [m for m in self.golden_models() if not m.endswith("_bf16")]
        for i in range(count):
            model = models[i % len(models)]
            d = self.path("ckpt", str(i), "x")
            d = os.path.dirname(d)
            shutil.copy(os.path.join(GOLDEN, model, "config.json"), d)
            if i % 5 == 4:
                weight_map = self.shard(model, d)
                index = {"metadata": {}, "weight_map": weight_map}
                what = self.rng.randrange(6)
                name = self.rng.choice(sorted(weight_map))
                if what == 0:
                    index["weight_map"][name] = "missing.safetensors"
                    tag = "index points to a missing shard"
                elif what == 1:
                    index["weight_map"][name] = "../../" + weight_map[name]
                    tag = "index escapes the directory"
                elif what == 2:
                    del index["weight_map"][name]
                    tag = "index drops a tensor"
                elif what == 3:
                    index["weight_map"][name] = 7
                    tag = "index maps to a number"
                elif what == 4:
                    index = "[" * 100000 + "]" * 100000
                    tag = "deeply nested index"
                else:
                    index = ""
                    tag = "empty index"
                with open(os.path.join(d, "model.safetensors.index.json"),
                          "w") as f:
                    f.write(index if isinstance(index, str)
                            else json.dumps(index))
                must = True
            else:
                kind = self.rng.choice(["header", "header", "length",
                                        "truncate", "bytes"])
                tag, must = self.write_checkpoint(
                    os.path.join(GOLDEN, model, "model.safetensors"),
                    os.path.join(d, "model.safetensors"), kind)
            if i % 2 == 0:
                self.add("checkpoint", f"{model} {tag} (check-weights)",
                         [self.tool("ds-import"), "--check-weights", d,
                          "--router-group-fill", "zero"], must)
            else:
                self.add("checkpoint", f"{model} {tag} (ds-interp)",
                         [self.tool("ds-interp"), self.imported(model),
                          "--weights", d, "--inputs",
                          os.path.join(GOLDEN, model, "inputs.safetensors"),
                          "-o", os.path.join(d, "out.safetensors")], must)
        # A FIFO where the checkpoint should be must fail at once.
        d = os.path.dirname(self.path("ckpt", "fifo", "x"))
        shutil.copy(os.path.join(GOLDEN, "mixtral", "config.json"), d)
        os.mkfifo(os.path.join(d, "model.safetensors"))
        self.add("checkpoint", "mixtral FIFO checkpoint",
                 [self.tool("ds-import"), "--check-weights", d], True)

    # --- IR --------------------------------------------------------------
    def ir_sources(self):
        sources = [os.path.join(ROOT, "examples", f)
                   for f in sorted(os.listdir(os.path.join(ROOT, "examples")))]
        moe_tests = os.path.join(ROOT, "test", "dialects", "moe")
        sources += [os.path.join(moe_tests, f)
                    for f in sorted(os.listdir(moe_tests))
                    if f.endswith(".mlir") and "invalid" not in f]
        sources += [self.imported(m) for m in ("mixtral", "deepseek_v3",
                                               "qwen2_moe")]
        return sources

    def make_ir(self, count):
        import re
        sources = self.ir_sources()
        # Integers in shapes (4x6x8), attributes and offsets, not in names.
        number = re.compile(rb"(?<=[<x\[(, =:-])\d+(?=[x>\]), :\n}])")
        passes = [[], ["--moe-decompose", "--canonicalize"],
                  ["--moe-dispatch-experts", "--cse"], ["--moe-summary"]]
        for i in range(count):
            source = sources[i % len(sources)]
            text = open(source, "rb").read()
            choice = self.rng.random()
            spots = list(number.finditer(text))
            if choice < 0.6 and spots:
                data = text
                for _ in range(self.rng.randint(1, 3)):
                    m = self.rng.choice(spots)
                    value = str(self.rng.choice(EXTREME_INTS)).encode()
                    data = data[:m.start()] + value + data[m.end():]
                    spots = list(number.finditer(data)) or spots[:0]
                    if not spots:
                        break
                tag = "extreme integers"
            elif choice < 0.75:
                cut = self.rng.randrange(len(text))
                data, tag = text[:cut], f"truncate-{cut}"
            elif choice < 0.9:
                b = bytearray(text)
                for _ in range(self.rng.randint(1, 3)):
                    b[self.rng.randrange(len(b))] = self.rng.choice(
                        b"0123456789<>()[]{}:,=%@x?\"\x00\xff")
                data, tag = bytes(b), "bytes"
            else:
                lines = text.split(b"\n")
                j = self.rng.randrange(len(lines))
                if self.rng.random() < 0.5:
                    del lines[j]
                else:
                    lines.insert(j, lines[j])
                data, tag = b"\n".join(lines), "lines"
            path = self.path("ir", f"{i}.mlir")
            with open(path, "wb") as f:
                f.write(data)
            extra = passes[i % len(passes)]
            split = ["-split-input-file"] if b"// -----" in data else []
            self.add("ir", f"{os.path.basename(source)} {tag} {' '.join(extra)}",
                     [self.tool("ds-opt"), path, *split, *extra, "-o",
                      os.devnull])

    # --- inputs ----------------------------------------------------------
    def make_inputs(self, count):
        models = self.golden_models()
        for i in range(count):
            model = models[i % len(models)]
            config = json.load(open(os.path.join(GOLDEN, model,
                                                 "config.json")))
            vocab = config["vocab_size"]
            max_pos = config.get("max_position_embeddings", 128)
            t = self.rng.randint(1, 24)
            ids = [self.rng.randrange(vocab) for _ in range(t)]
            positions = list(range(t))
            tensors = {"input_ids": ("I32", [t], ids)}
            what = self.rng.randrange(12)
            must, tag = True, ""
            if what == 0:
                ids[self.rng.randrange(t)] = self.rng.choice(
                    [vocab, -1, 2**31 - 1, -2**31])
                tag = "token id out of range"
            elif what == 1:
                positions[self.rng.randrange(t)] = self.rng.choice(
                    [-1, max_pos, 2**31 - 1, -2**31])
                tensors["positions"] = ("I32", [t], positions)
                tag = "position out of range"
            elif what == 2:
                t = max_pos + self.rng.choice([1, 7, 1000])
                ids = [0] * t
                tensors["input_ids"] = ("I32", [t], ids)
                tag = f"T = {t} beyond max_position_embeddings {max_pos}"
            elif what == 3:
                tensors["input_ids"] = ("F32", [t], [float(x) for x in ids])
                tag = "float token ids"
            elif what == 4:
                tensors["input_ids"] = ("I32", [1, t], ids)
                tag = "rank-2 token ids"
            elif what == 5:
                tensors = {"tokens": ("I32", [t], ids)}
                tag = "misnamed input"
            elif what == 6:
                tensors["positions"] = ("I32", [t + 1], list(range(t + 1)))
                tag = "positions longer than the tokens"
            elif what == 7:
                tensors["extra"] = ("I32", [1], [0])
                tag = "an unknown input"
            elif what == 8:
                tensors["input_ids"] = ("I32", [0], [])
                tensors.pop("positions", None)
                tag, must = "no tokens", False
            elif what == 9:
                tensors["input_ids"] = ("I64", [t], ids)
                tag, must = "i64 token ids", False
            else:
                tensors["positions"] = ("I32", [t], positions)
                tag, must = "valid", False
            path = self.path("inputs", f"{i}.safetensors")
            st.write_file(path, [(n, d, s, st.encode(d, v))
                                 for n, (d, s, v) in tensors.items()])
            self.add("input", f"{model} {tag}",
                     [self.tool("ds-interp"), self.imported(model),
                      "--weights", os.path.join(GOLDEN, model),
                      "--inputs", path, "-o",
                      self.path("inputs", f"{i}.out.safetensors")], must)

    # --- running ---------------------------------------------------------
    def run_case(self, case):
        kind, name, argv, must_reject = case
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS",
                       "allow_user_poisoning=0:detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        start = time.monotonic()
        try:
            r = subprocess.run(argv, capture_output=True,
                               timeout=self.args.timeout, env=env)
        except subprocess.TimeoutExpired:
            return kind, name, argv, "hang", time.monotonic() - start
        err = r.stderr.decode(errors="replace")
        seconds = time.monotonic() - start
        if r.returncode not in (0, 1) or any(m in err for m in SANITIZER_MARKS):
            return kind, name, argv, f"crash (status {r.returncode}): " + \
                err[-2000:], seconds
        if must_reject and r.returncode == 0:
            return kind, name, argv, "silently accepted", seconds
        return kind, name, argv, "rejected" if r.returncode else "accepted", \
            seconds

    def run(self):
        per_kind = max(1, self.args.cases // 4)
        self.make_configs(per_kind)
        self.make_checkpoints(per_kind)
        self.make_ir(per_kind)
        self.make_inputs(per_kind)
        counts, failures = {}, []
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(self.args.jobs) as pool:
            for kind, name, argv, outcome, _ in pool.map(self.run_case,
                                                         self.cases):
                c = counts.setdefault(kind, {"cases": 0, "accepted": 0,
                                             "rejected": 0, "crash": 0,
                                             "hang": 0,
                                             "silently accepted": 0})
                c["cases"] += 1
                key = outcome.split(" (")[0].split(":")[0]
                c[key] = c.get(key, 0) + 1
                if key in ("crash", "hang", "silently accepted"):
                    failures.append({"kind": kind, "case": name,
                                     "outcome": outcome,
                                     "command": " ".join(argv)})
        total = {k: sum(c[k] for c in counts.values())
                 for k in ("cases", "accepted", "rejected", "crash", "hang",
                           "silently accepted")}
        print(json.dumps({"bin": self.bin, "seed": self.args.seed,
                          "seconds": round(time.monotonic() - start, 1),
                          "total": total, "kinds": counts,
                          "failures": failures}, indent=1))
        return 1 if failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--bin", required=True, help="folder with ds-import, "
                   "ds-opt and ds-interp (a sanitizer build's bin/)")
    p.add_argument("--cases", type=int, default=5000)
    p.add_argument("--work", default="/tmp/ds-campaign")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--timeout", type=float, default=60)
    sys.exit(Campaign(p.parse_args()).run())


if __name__ == "__main__":
    main()
