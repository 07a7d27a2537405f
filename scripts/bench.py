#!/usr/bin/env python3
"""Runs the benchmarks (Benchmarks/, ordo-one/benchmark) and prints, for each
pair measured side by side in the same run, presenced against its baseline:
p50 wall-clock time and mallocs per iteration, and their ratio.

Usage: scripts/bench.py [--filter REGEX]      (make bench)

Pairs are named "<what> (presenced...)" and "<what> (baseline...)"; a
benchmark without a pair (measured against a target, like audio at 1000x real
time) is listed after them with its p50. The
benchmark tool counts some mallocs of its own per measured iteration (about
16), so "extra mallocs" subtracts the count of the executable's own empty
benchmark, "Floor (an empty measured iteration)" (Benchmarks/Sources/BenchmarkFloor).
Standard library only; prints Markdown for BENCHMARKS.md.
"""
import re
import subprocess
import sys

FLOOR = "Floor (an empty measured iteration)"
UNITS = {"ns": 1, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9, "K": 1e3, "M": 1e6, "#": 1}


def run(args):
    cmd = ["swift", "package", "--package-path", "Benchmarks", "benchmark", "--no-progress"] + args
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out.stdout


def parse(text):
    """{benchmark: {metric: p50 in base units (ns or count)}} from the text tables; each benchmark's
    "target" entry names its executable (the "=====\nName\n=====" heading above it). Every executable
    has a floor of the same name: those are keyed (executable, FLOOR)."""
    results, name, header, target = {}, None, None, None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("====") and i + 2 < len(lines) and lines[i + 2].startswith("===="):
            target = lines[i + 1].strip()
        if line.startswith("╒") and i > 0:
            name = lines[i - 1].strip()
            if name == FLOOR:
                name = (target, FLOOR)
            results[name] = {"target": target}
            continue
        if name is None or not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0] == "Metric":
            header = cells
            continue
        metric = cells[0].rstrip(" *")
        unit = 1
        m = re.match(r"(.*?) \(([^()]*)\)$", metric)
        if m and m.group(2) in UNITS:
            metric, unit = m.group(1), UNITS[m.group(2)]
        p50 = cells[header.index("p50")]
        results[name][metric] = float(p50) * unit
    return results


def main():
    args = sys.argv[1:]
    results = parse(run(args))
    # The tool's own mallocs differ by executable: each benchmark is measured against its executable's
    # empty benchmark, run beside it.
    floors = {r["target"]: r.get("Malloc (total)", 0) for n, r in results.items() if isinstance(n, tuple)}
    missing = {r["target"] for r in results.values()} - floors.keys()
    if missing:
        sys.exit(f"bench: no '{FLOOR}' benchmark measured in {sorted(missing)} (registerFloorBenchmark())")
    results = {n: r for n, r in results.items() if not isinstance(n, tuple)}
    pairs = {}
    for name, r in results.items():
        m = re.match(r"(.*) \((presenced|baseline)[^)]*\)$", name)
        if m:
            pairs.setdefault(m.group(1), {})[m.group(2)] = (name, r)
    print("| measurement | presenced p50 | baseline p50 | ratio | extra mallocs per iteration (presenced / baseline) |")
    print("|---|---|---|---|---|")
    for what, p in sorted(pairs.items()):
        if "presenced" not in p or "baseline" not in p:
            continue
        (_, ours), (bname, base) = p["presenced"], p["baseline"]
        t, b = ours.get("Time (wall clock)"), base.get("Time (wall clock)")
        ratio = f"{t / b:.2f}x" if t and b else "–"
        ma = ours.get("Malloc (total)", 0) - floors[ours["target"]]
        mb = base.get("Malloc (total)", 0) - floors[base["target"]]
        baseline = re.search(r"\(baseline: ([^)]*)\)", bname)
        print(f"| {what} (baseline: {baseline.group(1) if baseline else '?'}) | {fmt(t)} | {fmt(b)} | {ratio} | {ma:.0f} / {mb:.0f} |")
    # Benchmarks measured against a fixed target rather than a peer in the same run.
    paired = {v[0] for p in pairs.values() if len(p) == 2 for v in p.values()}
    single = [(n, r) for n, r in sorted(results.items()) if n not in paired]
    if single:
        print("\n| measurement | p50 | real time | extra mallocs per iteration |")
        print("|---|---|---|---|")
        for name, r in single:
            t = r.get("Time (wall clock)")
            # An iteration of "one second of ..." is one second of data: real time over p50 is the speed-up.
            speed = f"{1e9 / t:.0f}x" if t and re.search(r"\bone second of\b|\bper second of\b", name) else "–"
            print(f"| {name} | {fmt(t)} | {speed} | {r.get('Malloc (total)', 0) - floors[r['target']]:.0f} |")


def fmt(ns):
    if ns is None:
        return "–"
    return f"{ns / 1e3:.1f} µs" if ns >= 1e3 else f"{ns:.0f} ns"


if __name__ == "__main__":
    main()
