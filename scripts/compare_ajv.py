#!/usr/bin/env python3
"""Privy's whole `privy check` process against Node's ajv on the same files.

    python3 scripts/compare_ajv.py [PRIVY_BINARY]

Installs ajv 8 with npm into a temporary folder, generates configurations
of about 1, 10 and 50 MB with `privy gen`, then times each whole process
(wall clock, median of 7 runs, alternating the two so both see the same
machine):
  - ajv: `node` reading the file, JSON.parse, and ajv (Draft 2020-12,
    allErrors) against schema/ServerConfig.schema.json: structure only;
  - Privy: `privy check --format json`: syntax, schema and semantic checks,
    positions and messages, the JSON written to a pipe.
Needs node and npm on PATH.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
privy = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target/release/privy")
schema = os.path.join(root, "schema/ServerConfig.schema.json")

VALIDATE = r"""
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));
const data = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const ok = validate(data);
process.stdout.write(JSON.stringify({ ok, errors: (validate.errors || []).length }) + "\n");
"""


def timed(cmd, cwd=None):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False, cwd=cwd)
    return time.perf_counter() - t


with tempfile.TemporaryDirectory() as d:
    subprocess.run(["npm", "init", "-y"], cwd=d, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "ajv@8"], cwd=d, check=True, stdout=subprocess.DEVNULL)
    version = subprocess.run(["node", "-p", "require('ajv/package.json').version"], cwd=d, capture_output=True, text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"ajv {version}, node {node}")
    script = os.path.join(d, "validate.js")
    with open(script, "w") as f:
        f.write(VALIDATE)
    for label, args in [
        ("1 MB", ["--rules", "600", "--groups", "600", "--members", "90000", "--features", "200", "--users", "50000", "--seed", "7"]),
        ("10 MB", ["--rules", "6000", "--groups", "6000", "--members", "900000", "--features", "200", "--users", "50000", "--seed", "7"]),
        ("50 MB", ["--rules", "30000", "--groups", "30000", "--members", "4500000", "--features", "200", "--users", "50000", "--seed", "7"]),
    ]:
        path = os.path.join(d, "c.json")
        subprocess.run([privy, "gen", *args, "-o", path], check=True)
        size = os.path.getsize(path) / 1e6
        ajv, rs = [], []
        for _ in range(7):
            ajv.append(timed(["node", script, schema, path], cwd=d))
            rs.append(timed([privy, "check", "--format", "json", path]))
        a, r = statistics.median(ajv), statistics.median(rs)
        print(f"{label} ({size:.1f} MB): ajv {a * 1e3:.0f} ms, privy check {r * 1e3:.0f} ms: {a / r:.2f}x (privy {'faster' if a > r else 'slower'})")
