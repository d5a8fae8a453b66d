#!/usr/bin/env python3
"""What a pass changed in the launches of a module's first entry.

  launch_diff.py before.json after.json

Each file is `ds-run --info --json` of one .dsb. Prints one line,

  launches 37 -> 35 (-2): elementwise 4 -> 2 (-2)

naming every launch kind whose count changed, in alphabetical order.
"""

import json
import sys


def entry(path):
    with open(path) as f:
        return json.load(f)["entries"][0]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    before, after = entry(sys.argv[1]), entry(sys.argv[2])

    def change(a, b):
        return f"{a} -> {b} ({b - a:+d})"

    kinds = sorted(set(before["launches"]) | set(after["launches"]))
    changed = [
        f"{kind} " + change(before["launches"].get(kind, 0),
                            after["launches"].get(kind, 0))
        for kind in kinds
        if before["launches"].get(kind, 0) != after["launches"].get(kind, 0)
    ]
    line = "launches " + change(before["launch_count"], after["launch_count"])
    print(line + (": " + ", ".join(changed) if changed else ""))


if __name__ == "__main__":
    main()
