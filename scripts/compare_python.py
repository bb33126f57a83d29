#!/usr/bin/env python3
"""Privy's full validation against Python's jsonschema on the same files.

    python3 scripts/compare_python.py [PRIVY_BINARY]

Generates configurations of about 1 and 10 MB with `privy gen`, then times
(best of 3, wall clock, whole process):
  - Python: json.load + jsonschema (Draft 2020-12, schema/ServerConfig.schema.json),
    collecting every error: structure only;
  - Privy: `privy check --format json`: syntax, schema and semantic checks.
Needs `pip install jsonschema`.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import jsonschema

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
privy = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target/release/privy")
schema = json.load(open(os.path.join(root, "schema/ServerConfig.schema.json")))
Validator = jsonschema.validators.validator_for(schema)
Validator.check_schema(schema)
validator = Validator(schema)


def best(f, runs=3):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def python(path):
    with open(path, "rb") as fh:
        instance = json.load(fh)
    return sum(1 for _ in validator.iter_errors(instance))


def rust(path):
    subprocess.run([privy, "check", "--format", "json", path], stdout=subprocess.DEVNULL, check=False)


print(f"jsonschema {__import__('importlib.metadata').metadata.version('jsonschema')}, Python {sys.version.split()[0]}")
with tempfile.TemporaryDirectory() as d:
    for label, args in [
        ("1 MB", ["--rules", "600", "--groups", "600", "--members", "90000", "--features", "200", "--users", "50000", "--seed", "7"]),
        ("10 MB", ["--rules", "6000", "--groups", "6000", "--members", "900000", "--features", "200", "--users", "50000", "--seed", "7"]),
    ]:
        path = os.path.join(d, "c.json")
        subprocess.run([privy, "gen", *args, "-o", path], check=True)
        size = os.path.getsize(path) / 1e6
        py = best(lambda: python(path))
        rs = best(lambda: rust(path))
        print(f"{label} ({size:.1f} MB): Python jsonschema {py * 1e3:.0f} ms, privy check {rs * 1e3:.0f} ms: {py / rs:.1f}x faster")
