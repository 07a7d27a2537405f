#!/usr/bin/env python3
"""Runs the benchmarks of this tree and of another git revision side by side, alternating between the two
in each round, and prints each benchmark's p50 wall-clock time in both and their ratio (median over the
rounds). For a change that should leave the speed alone (a refactor), this says whether it did, on the
same machine in the same minutes: figures from another day are not comparable on a shared machine.

Usage: scripts/bench_against.py REV [--target NAME ...] [--rounds N]
  e.g. scripts/bench_against.py HEAD~3 --target Pipeline --target Video --target Audio

The revision is checked out as a git worktree in .build/bench-against/REV (kept for the next run;
its benchmark build is kept too). Standard library only; Markdown on stdout.
"""
import argparse
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import parse  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def worktree(rev):
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", rev], capture_output=True, text=True, check=True).stdout.strip()
    path = os.path.join(ROOT, ".build", "bench-against", commit)
    if not os.path.isdir(path):
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", "-f", path, commit], check=True, capture_output=True)
    return commit, path


def run(tree, targets):
    cmd = ["swift", "package", "--package-path", os.path.join(tree, "Benchmarks"), "benchmark", "--no-progress"]
    for t in targets:
        cmd += ["--target", t]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench_against: {' '.join(cmd)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return {name: r.get("Time (wall clock)") for name, r in parse(out.stdout).items() if isinstance(name, str)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rev")
    ap.add_argument("--target", action="append", default=[])
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    commit, base = worktree(args.rev)
    times = {"base": {}, "now": {}}
    for k in range(args.rounds):
        # Alternate which goes first, so that neither always runs on a warmer (or busier) machine.
        order = [("base", base), ("now", ROOT)] if k % 2 == 0 else [("now", ROOT), ("base", base)]
        for label, tree in order:
            for name, t in run(tree, args.target).items():
                if t:
                    times[label].setdefault(name, []).append(t)
            print(f"bench_against: round {k + 1}: {label} done", file=sys.stderr)
    print(f"| benchmark | {commit} p50 | this tree p50 | ratio (this / {commit}) |")
    print("|---|---|---|---|")
    for name in sorted(set(times["base"]) | set(times["now"])):
        b, n = times["base"].get(name), times["now"].get(name)
        if not b or not n:
            print(f"| {name} | {'–' if not b else f'{statistics.median(b) / 1e3:.1f} µs'} | {'–' if not n else f'{statistics.median(n) / 1e3:.1f} µs'} | – |")
            continue
        mb, mn = statistics.median(b), statistics.median(n)
        print(f"| {name} | {mb / 1e3:.1f} µs | {mn / 1e3:.1f} µs | {mn / mb:.2f}x |")


if __name__ == "__main__":
    main()
