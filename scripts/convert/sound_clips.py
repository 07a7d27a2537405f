#!/usr/bin/env python3
"""Real sounds one at a time in an otherwise quiet room, as a labelled
audio-only recording (DESIGN.md §3): how often each kind of sound switches the
room on by itself (`presenced eval` reports it per condition).

Usage: sound_clips.py SHARED_DATA SOUND_DATA OUT.mcap [--split dev|train-1|train-2|train-3|train-4]

dev (the default; make report): the sound classifier's dev clips only
(scripts/sound/dataset.py: ESC-10's fold 5, the dev infant cries, and the
loudest 5 s of the dev quarter of each long recording): none was trained on.
Each clip is mixed into quiet pink room tone at its own level (peak -6 dBFS),
labelled by what it is (occupied for a person's sounds: a sneeze or a cry means
someone is there; empty for the rest), followed by 40 s of room tone, longer
than the default hold, so that no clip is judged by the one before it.
train-K (make model): an eighth of the classifier's training clips (every
eighth, from the 2(K-1)-th: half of them over the four parts), each at one of
three levels in turn (peak -6, -16 and -26 dBFS), one straight after the other
with no room tone between them: the fusion model learns what the sound classes
mean when the microphone is the only sensor, and nothing about quiet rooms from
them (Speech Commands' scenes teach that; labelling the quiet after a sound as
empty taught the model to stop its training after one epoch). `presenced train --train-only` keeps them out of the validation split:
labels that span whole clips are too coarse to stop the training on.
Deterministic.
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


def pieces(shared, sound, split):
    """(condition, occupied, samples) for every clip of the split, in a fixed order. A long recording gives
    its loudest 5 s of the dev quarter, or (train) four 5 s pieces of the rest."""
    out = []
    n = int(CLIP * fe.RATE)
    for c in dataset.clips(shared, sound):
        if c.split != split or c.source not in ("ESC-10", "donateacry"):
            continue
        out.append((dataset.condition(c.name), c.cls in dataset.PERSON, dataset.load(c.path)[:n]))
    for rel, cls, name in dataset.LONG:
        base = shared if rel.startswith("speech-commands/") else os.path.dirname(sound)
        s = dataset.load(os.path.join(base, rel))
        cut = int(len(s) * 0.75)
        if split == "dev":
            out.append((dataset.condition(name), cls in dataset.PERSON, loudest(s[cut:], n)))
            continue
        part = s[:cut]
        for k in range(4):
            out.append((dataset.condition(name), cls in dataset.PERSON, loudest(part[k * len(part) // 4:(k + 1) * len(part) // 4], n)))
    return out


def main():
    args = sys.argv[1:]
    split, part = "dev", None
    if len(args) == 5 and args[3] == "--split" and args[4] in ("dev", "train-1", "train-2", "train-3", "train-4"):
        split, part = (args[4], None) if args[4] == "dev" else ("train", int(args[4][-1]) - 1)
        args = args[:3]
    if len(args) != 3:
        sys.exit(__doc__)
    shared, sound, path = args
    gap, peaks = (GAP, [0.5]) if split == "dev" else (0, [0.5, 0.16, 0.05])
    # Training takes every other clip, in four parts: the fusion model needs to learn what the classifier's
    # scores mean, not every clip again, and audio-only ticks must not outweigh the rooms (early stopping
    # on a validation loss they dominate ended the training before the radar had learned its rooms).
    chosen = [p for i, p in enumerate(pieces(shared, sound, split)) if part is None or i % 8 == 2 * part]
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
    for i, (condition, occupied, clip) in enumerate(chosen):
        clip = clip * (peaks[i % len(peaks)] / max(1e-6, np.abs(clip).max()))
        start = rng.integers(0, len(pink) - len(clip))
        labels.append((at, occupied, condition))
        samples.append(clip + pink[start:start + len(clip)])
        at += len(clip)
        if gap:
            labels.append((at, False, "room-tone"))
            room(gap)
    pcm = np.clip(np.round(np.concatenate(samples) * 32767), -32768, 32767).astype("<i2")
    name = split if part is None else f"train-{part + 1}"
    write(array.array("h", pcm.tobytes()), labels, path, scene=f"sound-clips-{name}",
          room=f"audio only: real sounds one at a time in a quiet room (the sound classifier's {split} clips)",
          attribution=ATTRIBUTION, library="presenced scripts/convert/sound_clips.py")
    print(f"{path}: {len(pcm) / fe.RATE:.0f} s, {len(chosen)} clips")


if __name__ == "__main__":
    main()
