#!/usr/bin/env python3
"""Rewrites the golden events of the regression corpus and says what changed.

Usage: scripts/golden.py [NAME ...]     (make golden: after `make corpus`)

Each corpus recording is replayed with the built binary; its events replace
Recordings/golden/<name>.jsonl, and every difference is printed in words
(time of day, what happened, confidence) as a unified diff. The corpus is the
one Tests/RegressionTests checks: the files of Recordings/scenes.tsv plus every
*.mcap committed in Recordings/. Standard library only.
"""
import difflib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORDINGS = os.path.join(ROOT, "Recordings")
BINARY = os.environ.get("PRESENCED", os.path.join(ROOT, ".build/debug/presenced"))


def corpus():
    """(name, path) of every corpus recording, by the rule of Tests/PresenceTestSupport/Corpus.swift."""
    files = []
    with open(os.path.join(RECORDINGS, "scenes.tsv")) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 4 and not line.startswith("#"):
                files.append(fields[0])
    listed = set(files)
    files += sorted(n for n in os.listdir(RECORDINGS) if n.endswith(".mcap") and n not in listed)
    return [(os.path.basename(f)[: -len(".mcap")], os.path.join(RECORDINGS, f)) for f in files]


def describe(line):
    """One event in words, e.g. '06:00:10.400  OCCUPIED  confidence 0.997 (camera 0.99, audio 0, radar 0.99)'."""
    try:
        e = json.loads(line)
    except ValueError:
        return "unparsable: " + line
    when = e.get("time", "?")[11:23]
    if e.get("type") == "occupancy":
        sources = ", ".join(f"{k} {v}" for k, v in e.get("sources", {}).items())
        state = "OCCUPIED" if e.get("occupied") else "vacant  "
        return f"{when}  {state}  confidence {e.get('confidence')} ({sources})"
    if e.get("type") == "sensor":
        return f"{when}  {e.get('sensor')} {e.get('status')}: {e.get('reason', '')}"
    return f"{when}  {line}"


def main(names):
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"golden: {BINARY} is not built (make build)")
    entries = [e for e in corpus() if not names or e[0] in names]
    unknown = set(names) - {n for n, _ in entries}
    if unknown:
        sys.exit(f"golden: not in the corpus: {', '.join(sorted(unknown))}")
    os.makedirs(os.path.join(RECORDINGS, "golden"), exist_ok=True)
    changed = 0
    for name, path in entries:
        if not os.path.exists(path):
            sys.exit(f"golden: {path} is missing (make corpus makes the simulated ones)")
        run = subprocess.run([BINARY, "replay", path], capture_output=True)
        if run.returncode != 0:
            sys.exit(f"golden: replay {path} failed ({run.returncode}): {run.stderr.decode()}")
        golden = os.path.join(RECORDINGS, "golden", name + ".jsonl")
        old = open(golden, "rb").read() if os.path.exists(golden) else None
        if old == run.stdout:
            print(f"{name}: unchanged")
            continue
        changed += 1
        new_lines = [describe(l) for l in run.stdout.decode().splitlines()]
        if old is None:
            print(f"{name}: new golden file, {len(new_lines)} events")
            for l in new_lines:
                print("  + " + l)
        else:
            old_lines = [describe(l) for l in old.decode().splitlines()]
            print(f"{name}: changed")
            diff = difflib.unified_diff(old_lines, new_lines, "golden", "now", lineterm="", n=1)
            for l in list(diff)[2:]:
                print("  " + l)
            if old_lines == new_lines:
                print("  (same events in words; digits beyond those shown changed)")
        with open(golden, "wb") as f:
            f.write(run.stdout)
    print(f"golden: {changed} of {len(entries)} file(s) written")


if __name__ == "__main__":
    main(sys.argv[1:])
