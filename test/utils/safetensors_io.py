"""Reads and writes safetensors files with the standard library only.

Shared by the lit helpers (test/tools/ds-interp/Inputs/st.py,
test/frontend/Inputs/make_checkpoint.py, test/golden/compare.py), which must
run in CI without torch or the safetensors package. Scripts import it with
`sys.path.insert(0, <path of test/utils>)`.
"""

import json
import math
import struct

# dtype -> struct format (None: converted by hand) and bytes per element.
FORMATS = {"F32": ("<f", 4), "F16": ("<e", 2), "I32": ("<i", 4),
           "I64": ("<q", 8), "BF16": (None, 2), "F8_E4M3": (None, 1),
           "I8": ("<b", 1)}


def element_size(dtype):
    return FORMATS[dtype][1]


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
    """float -> bfloat16 bits, round to nearest even."""
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    if (bits & 0x7F800000) == 0x7F800000 and bits & 0x7FFFFF:
        return 0x7FC0
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) & 0xFFFF


def encode(dtype, values):
    """Little-endian bytes of `values` in `dtype` (BF16/F16 rounded to
    nearest even; F8_E4M3 values must be exactly representable)."""
    if dtype == "F8_E4M3":
        if any(float(v) not in E4M3 for v in values):
            raise ValueError(f"F8_E4M3 values must be exactly representable: "
                             f"{values}")
        return bytes(E4M3[float(v)] for v in values)
    if dtype == "BF16":
        return b"".join(struct.pack("<H", bf16_bits(float(v))) for v in values)
    fmt, _ = FORMATS[dtype]
    cast = int if dtype.startswith("I") else float
    return b"".join(struct.pack(fmt, cast(v)) for v in values)


def decode(dtype, data):
    """The values stored in `data` as `dtype`."""
    if dtype == "F8_E4M3":
        return [e4m3_value(b) for b in data]
    if dtype == "BF16":
        return [struct.unpack("<f", struct.pack("<I", h << 16))[0]
                for (h,) in struct.iter_unpack("<H", data)]
    fmt, _ = FORMATS[dtype]
    return [v for (v,) in struct.iter_unpack(fmt, data)]


def write_file(path, tensors):
    """tensors: iterable of (name, dtype, shape, data bytes), written in order
    with contiguous offsets and a header padded to a multiple of 8."""
    header, blobs, offset = {}, [], 0
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_file(path):
    """{name: (dtype, shape, data bytes)} of every tensor in `path`."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        tensors[name] = (info["dtype"], info["shape"],
                         data[8 + n + begin:8 + n + end])
    return tensors
