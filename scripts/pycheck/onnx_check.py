#!/usr/bin/env python3
"""Runs an exported model with onnxruntime on the ticks of a features CSV
(`presenced replay --features`) and compares its p_occupied with presenced's.

Usage: onnx_check.py MODEL.onnx FEATURES.csv [--tolerance 1e-5]
Prints the largest difference and how many ticks each says "occupied" (p >= 0.5);
exits 1 when a difference exceeds the tolerance. Used by the tests (float model,
1e-5) and to measure an int8 export (report only: --tolerance 1).
"""
import csv
import sys

import numpy as np
import onnxruntime as ort


def main():
    args = sys.argv[1:]
    tolerance = 1e-5
    if "--tolerance" in args:
        i = args.index("--tolerance")
        tolerance = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    model, path = args
    with open(path) as f:
        rows = list(csv.DictReader(f))
    names = list(rows[0].keys())
    feature_names = names[1:names.index("present_camera")]
    features = np.array([[float(r[n]) for n in feature_names] for r in rows], dtype=np.float32)
    present = np.array([[float(r["present_" + s]) for s in ("camera", "audio", "radar")] for r in rows], dtype=np.float32)
    theirs = np.array([float(r["p_occupied"]) for r in rows], dtype=np.float64)
    # Ticks without any sensor are not the model's (presenced says 0 without asking it).
    keep = present.sum(axis=1) > 0
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    ours = session.run(["p_occupied"], {"features": features[keep], "present": present[keep]})[0][:, 0].astype(np.float64)
    diff = np.abs(ours - theirs[keep])
    worst = float(diff.max()) if len(diff) else 0.0
    agree = int(((ours >= 0.5) == (theirs[keep] >= 0.5)).sum())
    print(f"{path}: {int(keep.sum())} ticks, largest difference {worst:.3g}, "
          f"same decision on {agree} ({100 * agree / max(1, int(keep.sum())):.2f} %)")
    sys.exit(0 if worst <= tolerance else 1)


if __name__ == "__main__":
    main()
