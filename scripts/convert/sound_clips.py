#!/usr/bin/env python3
"""Real sounds one at a time in an otherwise quiet room, as a labelled
audio-only recording (DESIGN.md §3): how often each kind of sound switches the
room on by itself (`presenced eval` reports it per condition).

Usage: sound_clips.py SHARED_DATA SOUND_DATA OUT.mcap

The sound classifier's dev clips only (scripts/sound/dataset.py: ESC-10's fold
5, the dev infant cries, and the loudest 5 s of the dev quarter of each long
recording): none was trained on (make report, make sound-card). Each clip is
mixed into quiet pink room tone at its own level (peak -6 dBFS), labelled by
what it is (occupied for a person's sounds: a sneeze or a cry means someone is
there; empty for the rest), followed by 40 s of room tone, longer than the
default hold, so that no clip is judged by the one before it. Deterministic.
"""
import array
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "sound"))
import dataset  # noqa: E402
import frontend as fe  # noqa: E402
from speech_commands import write  # noqa: E402

GAP = 40.0
CLIP = 5.0
PEAK = 0.5  # -6 dBFS
ATTRIBUTION = ("ESC-10 by K. J. Piczak, CC BY 3.0; donateacry-corpus, ODbL 1.0 / DbCL 1.0; Speech Commands "
               "by Pete Warden / Google, CC BY 4.0; sounds of data/sound/README.md under their licences")


def loudest(s, n):
    """The loudest n samples of s (in 0.1 s steps): the sound itself, not a pause in it."""
    if len(s) <= n:
        return s
    step = fe.RATE // 10
    energy = np.add.reduceat(s ** 2, np.arange(0, len(s), step))
    k = n // step
    start = int(np.argmax([energy[i:i + k].sum() for i in range(max(1, len(energy) - k))])) * step
    return s[start:start + n]


def pieces(shared, sound):
    """(condition, occupied, samples) for every dev clip, in a fixed order. A long recording gives its
    loudest 5 s of the dev quarter."""
    out = []
    n = int(CLIP * fe.RATE)
    for c in dataset.clips(shared, sound):
        if c.split != "dev" or c.source not in ("ESC-10", "donateacry"):
            continue
        out.append((dataset.condition(c.name), c.cls in dataset.PERSON, dataset.load(c.path)[:n]))
    for rel, cls, name in dataset.LONG:
        base = shared if rel.startswith("speech-commands/") else os.path.dirname(sound)
        s = dataset.load(os.path.join(base, rel))
        out.append((dataset.condition(name), cls in dataset.PERSON, loudest(s[int(len(s) * 0.75):], n)))
    return out


def main():
    args = sys.argv[1:]
    if len(args) != 3:
        sys.exit(__doc__)
    shared, sound, path = args
    chosen = pieces(shared, sound)
    rng = np.random.default_rng(11)
    tone = rng.standard_normal(int(GAP * fe.RATE) * 4)
    # Pink: white noise through 1/sqrt(f) in the frequency domain; quiet (about -60 dBFS RMS).
    spec = np.fft.rfft(tone)
    spec[1:] /= np.sqrt(np.arange(1, len(spec)))
    pink = np.fft.irfft(spec, len(tone))
    pink *= 0.001 / pink.std()
    samples, labels = [], []
    at = 0

    def room(seconds):
        nonlocal at
        n = int(seconds * fe.RATE)
        start = rng.integers(0, len(pink) - n)
        samples.append(pink[start:start + n])
        at += n

    labels.append((0, False, "room-tone"))
    room(10)
    for condition, occupied, clip in chosen:
        clip = clip * (PEAK / max(1e-6, np.abs(clip).max()))
        start = rng.integers(0, len(pink) - len(clip))
        labels.append((at, occupied, condition))
        samples.append(clip + pink[start:start + len(clip)])
        at += len(clip)
        labels.append((at, False, "room-tone"))
        room(GAP)
    pcm = np.clip(np.round(np.concatenate(samples) * 32767), -32768, 32767).astype("<i2")
    write(array.array("h", pcm.tobytes()), labels, path, scene="sound-clips-dev",
          room="audio only: real sounds one at a time in a quiet room (the sound classifier's dev clips)",
          attribution=ATTRIBUTION, library="presenced scripts/convert/sound_clips.py")
    print(f"{path}: {len(pcm) / fe.RATE:.0f} s, {len(chosen)} clips")


if __name__ == "__main__":
    main()
