#!/usr/bin/env python3
"""presenced's background subtraction against OpenCV's BackgroundSubtractorMOG2,
on the same frames, in one run: F-measure against the simulator's exact truth
masks, and time per 320x240 frame (MOG2 single-threaded here; presenced's from
its benchmark, Benchmarks/Benchmarks/Video, on the same walk-through frames).

Usage: scripts/peers/bgs_vs_mog2.py [--skip-bench]     (make bgs-compare)

For each scene it runs `presenced simulate --masks` (truth), `presenced replay
--dump-masks` (ours) and MOG2 (history 500, varThreshold 16, no shadows: its
defaults, shadows off because a mask here is foreground or not). The first
30 frames of each recording are left out of the scores (both models learn
then). Prints a Markdown table for BENCHMARKS.md. Needs requirements-peers.txt.
"""
import os
import re
import subprocess
import sys
import time

import cv2
import numpy as np
from foxglove_schemas_protobuf.RawImage_pb2 import RawImage
from mcap.reader import make_reader

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PRESENCED", os.path.join(ROOT, ".build/debug/presenced"))
OUT = os.path.join(ROOT, "out/bgs")
# (scene, seconds, seed): people moving and sitting, a pet, and the lighting changes that must stay background.
SCENES = [("walk-through", 60, 3), ("sit-still", 120, 1), ("pet", 90, 1), ("lamp", 90, 1), ("auto-exposure", 90, 1),
          ("fan-curtain", 90, 1)]
WARMUP = 30


def pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return np.frombuffer(data[m.end():], dtype=np.uint8).reshape(h, w) > 0


def frames(path):
    with open(path, "rb") as f:
        for _, channel, message in make_reader(f).iter_messages(topics=["/camera/image"], log_time_order=True):
            img = RawImage()
            img.ParseFromString(message.data)
            yield np.frombuffer(img.data, dtype=np.uint8).reshape(img.height, img.step)[:, : img.width]


class Counts:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, predicted, truth):
        self.tp += int(np.count_nonzero(predicted & truth))
        self.fp += int(np.count_nonzero(predicted & ~truth))
        self.fn += int(np.count_nonzero(~predicted & truth))

    def f(self):
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return (2 * p * r / (p + r) if p + r else 0.0), p, r, self.fp


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bgs: {' '.join(cmd)} failed: {r.stderr}")
    return r.stdout


def compare(scene, seconds, seed):
    d = os.path.join(OUT, scene)
    rec = os.path.join(d, "scene.mcap")
    if os.path.exists(d):
        subprocess.run(["rm", "-rf", d])
    run([BIN, "simulate", "--scene", scene, "--duration", f"{seconds}s", "--seed", str(seed), "--out", rec,
         "--masks", os.path.join(d, "truth")])
    run([BIN, "replay", rec, "--dump-masks", os.path.join(d, "ours")])
    mog = cv2.createBackgroundSubtractorMOG2(history=500, varThreshold=16, detectShadows=False)
    ours, theirs = Counts(), Counts()
    times = []
    for n, frame in enumerate(frames(rec), start=1):
        start = time.perf_counter()
        fg = mog.apply(frame)
        times.append(time.perf_counter() - start)
        if n <= WARMUP:
            continue
        truth = pgm(os.path.join(d, "truth", f"{n:06d}.pgm"))
        theirs.add(fg > 0, truth)
        ours.add(pgm(os.path.join(d, "ours", f"{n:06d}.pgm")), truth)
    return ours, theirs, float(np.median(times[WARMUP:])), n


def row(name, frames, ours, mog):
    fo, po, ro, fpo = ours.f()
    fm, pm, rm, fpm = mog.f()
    return f"| {name} | {frames} | {fo:.3f} ({po:.2f} / {ro:.2f}) | {fm:.3f} ({pm:.2f} / {rm:.2f}) | {fpo} | {fpm} |"


def ours_per_frame():
    """p50 wall time per frame of presenced's benchmark on the walk-through frames, in seconds."""
    out = run(["swift", "package", "--package-path", os.path.join(ROOT, "Benchmarks"), "benchmark",
               "--no-progress", "--target", "Video"])
    for line in out.splitlines():
        if line.startswith("│ Time (wall clock)"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            unit = re.search(r"\((ns|μs|ms)\)", cells[0]).group(1)
            return float(cells[3]) * {"ns": 1e-9, "μs": 1e-6, "ms": 1e-3}[unit]
    sys.exit("bgs: no wall-clock row in the benchmark output")


def main():
    cv2.setNumThreads(1)
    rows = []
    mog_times = {}
    total_ours, total_mog = Counts(), Counts()
    for scene, seconds, seed in SCENES:
        ours, mog, t, n = compare(scene, seconds, seed)
        mog_times[scene] = t
        for total, c in ((total_ours, ours), (total_mog, mog)):
            total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
        rows.append(row(scene, n, ours, mog))
    print("| scene | frames | presenced F (precision / recall) | MOG2 F (precision / recall) | presenced false-positive pixels | MOG2 false-positive pixels |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(row("all", sum(s[1] * 15 for s in SCENES), total_ours, total_mog))
    if "--skip-bench" not in sys.argv:
        ours = ours_per_frame()
        mog = mog_times["walk-through"]
        print(f"\nTime per 320x240 frame (walk-through): presenced {ours * 1e6:.0f} µs, MOG2 {mog * 1e6:.0f} µs "
              f"(single thread): **{ours / mog:.2f}x** MOG2's time.")


if __name__ == "__main__":
    main()
