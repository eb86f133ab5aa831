#!/usr/bin/env python3
"""Reference: PyYAML with its C loader merely parses every plan file of a folder (no checks)."""
import os
import sys

import yaml

root = sys.argv[1]
paths = [os.path.join(root, "programme.yaml"), os.path.join(root, "financeurs.yaml")]
for sub in ("operations", "scenarios"):
    folder = os.path.join(root, sub)
    if os.path.isdir(folder):
        paths += [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".yaml")]
count = 0
for p in paths:
    with open(p, "rb") as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
    count += 1
print(count, "files")
