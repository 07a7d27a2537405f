#!/usr/bin/env python3
"""presenced's background subtraction against OpenCV's MOG2 and KNN, on the same frames, in one run:
per-pixel F-measure (precision, recall) against ground truth, frame-level presence balanced accuracy,
and time per frame. One table: the real sequences of the development set, then the simulated scenes.

Usage: scripts/peers/bgs_compare.py [--skip-bench] [--real DIR] [--only NAME,...]    (make bgs-compare)

Real sequences: the SBI2015 development set converted by scripts/convert/sbi2015.py into DIR
(Recordings/generated/real-video; `make real-video`): per-pixel ground truth in the CDnet style, scored
inside the spatial and temporal region of interest, 255 foreground, 0 and 50 background, 85 and 170 not
scored. When DIR is absent they are skipped, and the table says so.
Simulated scenes: `presenced simulate --masks` gives the exact truth (where a person or a pet is); the
first 30 frames are not scored (every model learns then).

Peers: OpenCV 4.12 (requirements-peers.txt), createBackgroundSubtractorMOG2() and ...KNN() with their
default parameters (history 500; MOG2 varThreshold 16, KNN dist2Threshold 400; shadow detection on: a
shadow pixel, 127 in their masks, counts as background), one thread. Ours: `presenced replay --dump-masks`.
Frame-level presence: at least 0.5 % of the frame foreground after a 3x3 median, the same rule on the
prediction and on the truth; a frame whose truth is not present but would be with its "unknown" pixels
(85, 170) as foreground is not scored at frame level (SBI2015 marks whole people 170 in some frames); balanced accuracy is the mean of the rates on frames with and without
someone (only the first where every frame has someone).
Time per frame: MOG2's and KNN's median `apply`; presenced's from its benchmark (Benchmarks/Benchmarks/Video)
on the simulated walk-through, set beside MOG2 on the same frames, alternately three times (median ratio). Prints Markdown for BENCHMARKS.md.
"""
import argparse
import json
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
REAL = os.path.join(ROOT, "Recordings/generated/real-video")
# (scene, seconds, seed): people moving and sitting, a pet, and the lighting changes that must stay background.
SCENES = [("walk-through", 60, 3), ("sit-still", 120, 1), ("pet", 90, 1), ("lamp", 90, 1), ("auto-exposure", 90, 1),
          ("sunlight", 120, 1), ("fan-curtain", 90, 1)]
WARMUP = 30
PRESENCE_SHARE = 0.005
METHODS = ["presenced", "MOG2", "KNN"]


def pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return np.frombuffer(data[m.end():], dtype=np.uint8).reshape(h, w)


def frames(path):
    with open(path, "rb") as f:
        for _, _, message in make_reader(f).iter_messages(topics=["/camera/image"], log_time_order=True):
            img = RawImage()
            img.ParseFromString(message.data)
            yield np.frombuffer(img.data, dtype=np.uint8).reshape(img.height, img.step)[:, : img.width]


def present(mask):
    """The frame-level rule: at least 0.5 % of the frame foreground after a 3x3 median."""
    m = cv2.medianBlur(np.where(mask, 255, 0).astype(np.uint8), 3)
    return np.count_nonzero(m) >= PRESENCE_SHARE * m.size


class Score:
    def __init__(self):
        self.tp = self.fp = self.fn = self.unknown_frames = 0
        self.frames = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}

    def add(self, predicted, positive, negative, unknown=None):
        """`positive`/`negative`: where the truth says foreground / background (the rest is not scored);
        `unknown`: where it says "unknown" (170, 85)."""
        self.tp += int(np.count_nonzero(predicted & positive))
        self.fp += int(np.count_nonzero(predicted & negative))
        self.fn += int(np.count_nonzero(~predicted & positive))
        someone = present(positive)
        # A frame whose truth has too little foreground for presence, but enough with the "unknown" pixels, is
        # unknown at frame level too: SBI2015 marks whole people 170 in some frames (most of CAVIAR2's, people entering
        # HallAndMonitor), and neither finding nor missing them is scored.
        if not someone and unknown is not None and present(positive | unknown):
            self.unknown_frames += 1
            return
        self.frames[(bool(present(predicted)), bool(someone))] += 1

    def merge(self, other):
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.unknown_frames += other.unknown_frames
        for k in self.frames:
            self.frames[k] += other.frames[k]

    def f(self):
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return (2 * p * r / (p + r) if p + r else 0.0), p, r

    def balanced_accuracy(self):
        pos = self.frames[(True, True)] + self.frames[(False, True)]
        neg = self.frames[(True, False)] + self.frames[(False, False)]
        rates = []
        if pos:
            rates.append(self.frames[(True, True)] / pos)
        if neg:
            rates.append(self.frames[(False, False)] / neg)
        return sum(rates) / len(rates) if rates else float("nan")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bgs: {' '.join(cmd)} failed: {r.stderr}")
    return r.stdout


def peers():
    return {"MOG2": cv2.createBackgroundSubtractorMOG2(), "KNN": cv2.createBackgroundSubtractorKNN()}


def compare(recording, masks_dir, truth_of, scored, roi=None):
    """Scores of each method on one recording; `truth_of(n)` is the truth of frame n (1-based) as
    (positive, negative) masks, `scored(n)` whether frame n counts. Also the peers' median apply times."""
    ours = os.path.join(masks_dir, "ours")
    run([BIN, "replay", recording, "--dump-masks", ours])
    models = peers()
    scores = {m: Score() for m in METHODS}
    times = {m: [] for m in models}
    n = 0
    for n, frame in enumerate(frames(recording), start=1):
        predicted = {"presenced": pgm(os.path.join(ours, f"{n:06d}.pgm")) == 255}
        for name, model in models.items():
            start = time.perf_counter()
            fg = model.apply(frame)
            times[name].append(time.perf_counter() - start)
            predicted[name] = fg == 255
        if not scored(n):
            continue
        positive, negative = truth_of(n)
        unknown = ~(positive | negative)
        if roi is not None:
            positive, negative, unknown = positive & roi, negative & roi, unknown & roi
        for name in METHODS:
            p = predicted[name] if roi is None else predicted[name] & roi
            scores[name].add(p, positive, negative, unknown)
    return scores, {m: float(np.median(t[WARMUP:] or t)) for m, t in times.items()}, n


def real_sequence(d):
    with open(os.path.join(d, "info.json")) as f:
        info = json.load(f)
    roi = pgm(os.path.join(d, "roi.pgm")) > 0
    first, last = info["temporal_roi"]

    def truth_of(n):
        t = pgm(os.path.join(d, "truth", f"{n:06d}.pgm"))
        return t == 255, (t == 0) | (t == 50)

    return compare(os.path.join(d, info["sequence"] + ".mcap"), os.path.join(OUT, "real", info["sequence"]), truth_of,
                   lambda n: first <= n <= last, roi)


def simulated_scene(scene, seconds, seed):
    d = os.path.join(OUT, "sim", scene)
    if os.path.exists(d):
        subprocess.run(["rm", "-rf", d])
    rec = os.path.join(d, "scene.mcap")
    run([BIN, "simulate", "--scene", scene, "--duration", f"{seconds}s", "--seed", str(seed), "--out", rec,
         "--masks", os.path.join(d, "truth")])

    def truth_of(n):
        t = pgm(os.path.join(d, "truth", f"{n:06d}.pgm")) > 0
        return t, ~t

    return compare(rec, d, truth_of, lambda n: n > WARMUP)


def row(name, frames, scores):
    unknown = scores[METHODS[0]].unknown_frames
    cells = [name, str(frames) + (f" ({unknown} unknown at frame level)" if unknown else "")]
    for m in METHODS:
        f, p, r = scores[m].f()
        cells.append(f"{f:.3f} ({p:.2f} / {r:.2f})")
    for m in METHODS:
        cells.append(f"{scores[m].balanced_accuracy():.2f}")
    scored = max(1, sum(scores[METHODS[0]].frames.values()))
    cells.append(" / ".join(f"{scores[m].fp / scored:.0f}" for m in METHODS))
    return "| " + " | ".join(cells) + " |"


def peer_times(recording):
    """MOG2's and KNN's median `apply` time per frame of `recording`, in seconds (after WARMUP frames)."""
    models = peers()
    times = {m: [] for m in models}
    for frame in frames(recording):
        for name, model in models.items():
            start = time.perf_counter()
            model.apply(frame)
            times[name].append(time.perf_counter() - start)
    return {m: float(np.median(t[WARMUP:] or t)) for m, t in times.items()}


def ours_per_frame():
    """p50 wall time per frame of presenced's benchmark on the simulated walk-through frames, in seconds."""
    out = run(["swift", "package", "--package-path", os.path.join(ROOT, "Benchmarks"), "benchmark",
               "--no-progress", "--target", "Video", "--filter", "Background subtraction.*"])
    seen = False
    for line in out.splitlines():
        seen = seen or line.startswith("Background subtraction")
        if seen and line.startswith("│ Time (wall clock)"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            unit = re.search(r"\((ns|μs|ms)\)", cells[0]).group(1)
            return float(cells[3]) * {"ns": 1e-9, "μs": 1e-6, "ms": 1e-3}[unit]
    sys.exit("bgs: no wall-clock row in the benchmark output")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-bench", action="store_true")
    ap.add_argument("--real", default=REAL)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    cv2.setNumThreads(1)
    header = ("| sequence | frames | " + " | ".join(f"{m} F (precision / recall)" for m in METHODS) + " | "
              + " | ".join(f"{m} frame BA" for m in METHODS) + " | false-positive pixels per frame (presenced / MOG2 / KNN) "
              "| peers' time per frame (MOG2 / KNN) |")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    groups = []
    real = sorted(os.listdir(args.real)) if os.path.isdir(args.real) else []
    real = [s for s in real if os.path.exists(os.path.join(args.real, s, "info.json")) and (not only or s in only)]
    if not real:
        print(f"| real sequences: skipped, none in {os.path.relpath(args.real, ROOT)} (make real-video) |")
    sims = [s for s in SCENES if not only or s[0] in only]
    walk_times = None
    for group, items, fn in (("real", real, lambda s: real_sequence(os.path.join(args.real, s))),
                             ("simulated", sims, lambda s: simulated_scene(*s))):
        total = {m: Score() for m in METHODS}
        frames_total = 0
        for item in items:
            scores, times, n = fn(item)
            name = item if isinstance(item, str) else item[0]
            if name == "walk-through":
                walk_times = times
            for m in METHODS:
                total[m].merge(scores[m])
            frames_total += n
            print(row(name, n, scores) + f" {times['MOG2'] * 1e6:.0f} / {times['KNN'] * 1e6:.0f} µs |", flush=True)
        if items:
            print(row(f"**all {group}**", frames_total, total) + " |", flush=True)
    if not args.skip_bench and walk_times:
        # The machine's speed drifts: presenced's benchmark and MOG2/KNN on the same frames, one after the other,
        # three times; the ratio of each round, and their median.
        walk = os.path.join(OUT, "sim", "walk-through", "scene.mcap")
        rounds = []
        for _ in range(3):
            ours = ours_per_frame()
            peer = peer_times(walk)
            rounds.append((ours, peer["MOG2"], peer["KNN"]))
        ratios = sorted(o / m for o, m, _ in rounds)
        o, m, k = sorted(rounds, key=lambda r: r[0] / r[1])[1]
        print(f"\nTime per 320x240 frame (simulated walk-through, one thread), the median of 3 rounds: presenced "
              f"{o * 1e6:.0f} µs, MOG2 {m * 1e6:.0f} µs, KNN {k * 1e6:.0f} µs: **{ratios[1]:.2f}x** MOG2's time "
              f"(rounds: {', '.join(f'{r:.2f}x' for r in ratios)}).")


if __name__ == "__main__":
    main()
