#!/usr/bin/env python3
"""Writes and prints small safetensors files (standard library only).

  st.py write out.safetensors NAME:DTYPE:SHAPE=v0,v1,... [...]
  st.py print file.safetensors [--precision P]

DTYPE is F32, BF16, F16, F8_E4M3, I32 or I64; SHAPE is D0xD1 (or "scalar"). Values are
given in row-major order (BF16/F16 values are rounded to nearest even). `print`
writes one line per tensor: `name DTYPE[shape] v0 v1 ...` with floats at the
given precision, for FileCheck.
"""

import json
import math
import struct
import sys

FORMATS = {"F32": ("<f", 4), "F16": ("<e", 2), "I32": ("<i", 4),
           "I64": ("<q", 8), "BF16": (None, 2), "F8_E4M3": (None, 1)}


def e4m3_value(byte):
    """E4M3FN: 1 sign, 4 exponent bits (bias 7), 3 mantissa bits; no inf."""
    sign = -1.0 if byte & 0x80 else 1.0
    exp, man = (byte >> 3) & 0xF, byte & 0x7
    if exp == 0xF and man == 0x7:
        return math.nan
    if exp == 0:
        return sign * man / 8 * 2.0 ** -6
    return sign * (1 + man / 8) * 2.0 ** (exp - 7)


E4M3 = {e4m3_value(b): b for b in range(256) if not math.isnan(e4m3_value(b))}


def bf16_bits(x):
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    if (bits & 0x7F800000) == 0x7F800000 and bits & 0x7FFFFF:
        return 0x7FC0
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) & 0xFFFF


def encode(dtype, values):
    if dtype == "F8_E4M3":
        if any(float(v) not in E4M3 for v in values):
            sys.exit(f"F8_E4M3 values must be exactly representable: {values}")
        return bytes(E4M3[float(v)] for v in values)
    if dtype == "BF16":
        return b"".join(struct.pack("<H", bf16_bits(float(v))) for v in values)
    fmt, _ = FORMATS[dtype]
    cast = int if dtype.startswith("I") else float
    return b"".join(struct.pack(fmt, cast(v)) for v in values)


def decode(dtype, data):
    if dtype == "F8_E4M3":
        return [e4m3_value(b) for b in data]
    if dtype == "BF16":
        return [struct.unpack("<f", struct.pack("<I", h << 16))[0]
                for (h,) in struct.iter_unpack("<H", data)]
    fmt, _ = FORMATS[dtype]
    return [v for (v,) in struct.iter_unpack(fmt, data)]


def write(path, specs):
    header, blobs, offset = {}, [], 0
    for spec in specs:
        lhs, _, rhs = spec.partition("=")
        name, dtype, shape = lhs.split(":")
        shape = [] if shape == "scalar" else [int(d) for d in shape.split("x")]
        values = [v for v in rhs.split(",") if v] if rhs else []
        count = 1
        for d in shape:
            count *= d
        if len(values) != count:
            sys.exit(f"{name}: {len(values)} values for shape {shape}")
        blob = encode(dtype, values)
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def show(path, precision):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    for name in sorted(header):
        info = header[name]
        begin, end = info["data_offsets"]
        values = decode(info["dtype"], data[8 + n + begin:8 + n + end])
        text = " ".join(str(v) if isinstance(v, int) else f"{v:.{precision}f}"
                        for v in values)
        print(f"{name} {info['dtype']}{info['shape']} {text}")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "print":
        precision = 4
        if "--precision" in sys.argv:
            precision = int(sys.argv[sys.argv.index("--precision") + 1])
        show(sys.argv[2], precision)
    else:
        sys.exit(__doc__)
