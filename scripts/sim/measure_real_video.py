#!/usr/bin/env python3
"""Measures what a real camera's picture is like on the real video development set (scripts/convert/sbi2015.py),
for the simulator's camera (Sources/PresenceSimulator/SimulatorCamera.swift) to draw its parameters from:

- noise: σ of the temporal change of pixels that are background in two consecutive frames (the standard
  deviation of changes within ±20 grey levels, over √2: grey levels are whole numbers, so a median of absolute
  changes would read 0 or 1 on a quiet camera);
- blocks: how much stronger the horizontal gradient is across the 8-pixel block edges of JPEG/H.264 than
  inside the blocks (1.0: no blocking);
- exposure: the frame-to-frame change of the background's median grey level (its 95th percentile, and the
  largest), and its slow range over the sequence;
- texture: the background's mean absolute horizontal gradient and its standard deviation of grey levels.

Usage: scripts/sim/measure_real_video.py [DIR]   (DIR: Recordings/generated/real-video; Markdown on stdout)
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "peers"))
import bgs_compare as bc  # noqa: E402


def measure(d):
    with open(os.path.join(d, "info.json")) as f:
        name = json.load(f)["sequence"]
    frames = list(bc.frames(os.path.join(d, f"{name}.mcap")))
    truth = [bc.pgm(os.path.join(d, "truth", f"{n:06d}.pgm")) for n in range(1, len(frames) + 1)]
    background = [(t == 0) | (t == 50) for t in truth]
    deltas, medians, grads, stds, edge, inner = [], [], [], [], [], []
    for k, f in enumerate(frames):
        f = f.astype(np.int16)
        b = background[k]
        medians.append(float(np.median(f[b])) if b.any() else np.nan)
        g = np.abs(np.diff(f, axis=1))
        bb = b[:, 1:] & b[:, :-1]
        grads.append(float(g[bb].mean()) if bb.any() else np.nan)
        stds.append(float(f[b].std()) if b.any() else np.nan)
        cols = np.arange(g.shape[1])
        at_edge = (cols % 8) == 7
        edge.append(float(g[:, at_edge][bb[:, at_edge]].mean()))
        inner.append(float(g[:, ~at_edge][bb[:, ~at_edge]].mean()))
        if k > 0:
            both = b & background[k - 1]
            if both.any():
                deltas.append(np.abs(f[both] - frames[k - 1].astype(np.int16)[both]))
    changes = np.concatenate(deltas) if deltas else np.array([np.nan])
    clipped = changes[changes < 20]
    sigma = float(np.sqrt(np.mean(clipped.astype(np.float64) ** 2)) / np.sqrt(2)) if clipped.size else float("nan")
    steps = np.abs(np.diff(np.array(medians)))
    steps = steps[~np.isnan(steps)]
    m = np.array(medians)
    return {"noise": sigma, "blocks": float(np.nanmean(edge) / np.nanmean(inner)),
            "exposure_p95": float(np.percentile(steps, 95)) if steps.size else 0.0,
            "exposure_max": float(steps.max()) if steps.size else 0.0,
            "exposure_range": float(np.nanmax(m) - np.nanmin(m)),
            "gradient": float(np.nanmean(grads)), "std": float(np.nanmean(stds))}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else bc.REAL
    names = sorted(s for s in os.listdir(root) if os.path.exists(os.path.join(root, s, "info.json")))
    if not names:
        sys.exit(f"measure_real_video: no sequences in {root} (make real-video)")
    print("| sequence | noise σ | block edges / inside | exposure step p95 / max | exposure range | texture gradient | texture σ |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for s in names:
        r = measure(os.path.join(root, s))
        rows.append(r)
        print(f"| {s} | {r['noise']:.1f} | {r['blocks']:.2f} | {r['exposure_p95']:.1f} / {r['exposure_max']:.1f} | "
              f"{r['exposure_range']:.1f} | {r['gradient']:.1f} | {r['std']:.1f} |")
    keys = ["noise", "blocks", "exposure_p95", "exposure_max", "exposure_range", "gradient", "std"]
    lo = {k: min(r[k] for r in rows) for k in keys}
    hi = {k: max(r[k] for r in rows) for k in keys}
    print(f"| **range** | {lo['noise']:.1f}-{hi['noise']:.1f} | {lo['blocks']:.2f}-{hi['blocks']:.2f} | "
          f"{lo['exposure_p95']:.1f}-{hi['exposure_p95']:.1f} / {lo['exposure_max']:.1f}-{hi['exposure_max']:.1f} | "
          f"{lo['exposure_range']:.1f}-{hi['exposure_range']:.1f} | {lo['gradient']:.1f}-{hi['gradient']:.1f} | {lo['std']:.1f}-{hi['std']:.1f} |")


if __name__ == "__main__":
    main()
