"""Writes a copy of a config.json with some fields replaced.

usage: set_fields.py BASE OUT KEY=JSON [KEY=JSON ...]

Each value is parsed as JSON (`num_hidden_layers=4611686018427387904`,
`rope_scaling={"type": "yarn", "factor": 1e400}`); a dotted key sets a field
of a nested object (`rope_scaling.factor=2`).
"""
import json
import sys


def main():
    base, out, *assignments = sys.argv[1:]
    with open(base) as f:
        config = json.load(f)
    for assignment in assignments:
        key, value = assignment.split("=", 1)
        *path, last = key.split(".")
        node = config
        for part in path:
            node = node[part]
        # Python's json reads 1e400 as inf and writes it back as Infinity,
        # which is not JSON; keep such numbers as written.
        node[last] = json.loads(value, parse_float=lambda s: _Raw(s))
    with open(out, "w") as f:
        f.write(_dump(config))


class _Raw(str):
    """A number kept in its source spelling."""


def _dump(value):
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dump(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    return json.dumps(value)


if __name__ == "__main__":
    main()
