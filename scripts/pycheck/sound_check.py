#!/usr/bin/env python3
"""Checks presenced's sound classifier against onnxruntime and numpy
(Tests/PresenceDSPTests/SoundClassifierTests.swift writes the JSON).

Usage: sound_check.py MODEL.onnx CHECK.json
CHECK.json holds either
  {"patches": [[64*32 dB]], "logits": [[...]]}: the network alone; onnxruntime on
      the same patches (normalised by scripts/sound/frontend.py) must give the same
      logits within 1e-4;
  {"wav": PATH, "runs": [{"frame": END, "scores": [...]}]}: the whole path from
      samples; frontend.py's log-mel of the WAV, the patch ending at frame END,
      onnxruntime and a softmax must give the same scores within 2e-3 (FFTW in
      float32 against numpy in float64 differ in the last digits of the dB).
Prints the largest difference; exits 1 when it is over the tolerance.
"""
import json
import os
import sys
import wave

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "sound"))
import frontend as fe  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    session = ort.InferenceSession(sys.argv[1])
    with open(sys.argv[2]) as f:
        check = json.load(f)

    def logits(patch_db):
        x = fe.patch(np.asarray(patch_db, dtype=np.float32).reshape(fe.PATCH_FRAMES, fe.BANDS))
        return session.run(None, {"patch": x[None, None]})[0][0]

    if "patches" in check:
        worst = max(float(np.abs(logits(p) - np.asarray(l)).max()) for p, l in zip(check["patches"], check["logits"]))
        tolerance, what = 1e-4, "logits"
    else:
        with wave.open(check["wav"]) as w:
            samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        frames = fe.log_mel(fe.pcm16_to_float(samples))
        worst = 0.0
        for run in check["runs"]:
            z = logits(frames[run["frame"] - fe.PATCH_FRAMES:run["frame"]])
            p = np.exp(z - z.max())
            worst = max(worst, float(np.abs(p / p.sum() - np.asarray(run["scores"])).max()))
        tolerance, what = 2e-3, "scores"
    print(f"sound_check: largest difference in {what} {worst:.2e} (tolerance {tolerance:.0e})")
    sys.exit(0 if worst <= tolerance else 1)


if __name__ == "__main__":
    main()
