"""The sound classifier's data: every real clip it learns from or is judged on,
with its class, its split and where it comes from, turned into 1 s log-mel
patches (frontend.py).

Classes: speech and body (a person: a voice, or a cry, a sneeze, a snore), and
animal, nature, machine and music (not a person). Splits: "train", and "dev",
which no training step sees: ESC-10's fold 5, one Speech Commands speaker in
five, one of FSDD's six speakers, one infant-cry clip in five and the last
quarter of every long recording. ESC-50's fold 4 is kept by the project for
independent evaluation and is not in ../shared/data/esc10 (folds 1, 2, 3, 5):
a clip of fold 4 found anyway stops the run.
Human activity without a voice (washing up, an exercise bike) is left out: it
means someone is there, but it is not what this model is asked.
"""
import glob
import hashlib
import os
import sys
import zlib

import numpy as np
import soundfile as sf

import frontend as fe

CLASSES = ["speech", "body", "animal", "nature", "machine", "music"]
PERSON = {"speech", "body"}

ESC10 = {
    "001 - Dog bark": "animal", "002 - Rain": "nature", "003 - Sea waves": "nature",
    "004 - Baby cry": "body", "005 - Clock tick": "machine", "006 - Person sneeze": "body",
    "007 - Helicopter": "machine", "008 - Chainsaw": "machine", "009 - Rooster": "animal",
    "010 - Fire crackling": "nature",
}
# Long recordings: (path under data/sound or speech-commands, class, name).
LONG = [
    ("speech-commands/_background_noise_/dude_miaowing.wav", "animal", "cat"),
    ("speech-commands/_background_noise_/running_tap.wav", "machine", "running tap"),
    ("speech-commands/_background_noise_/white_noise.wav", "machine", "white noise"),
    ("speech-commands/_background_noise_/pink_noise.wav", "machine", "pink noise"),
    ("sound/blanket/coffee-shop.ogg", "speech", "cafe babble"),
    ("sound/blanket/summer-night.ogg", "animal", "crickets"),
    ("sound/blanket/storm.ogg", "nature", "storm"),
    ("sound/blanket/wind.ogg", "nature", "wind"),
    ("sound/blanket/fireplace.ogg", "nature", "fireplace"),
    ("sound/blanket/boat.ogg", "machine", "boat"),
    ("sound/blanket/city.ogg", "machine", "city traffic"),
    ("sound/blanket/train.ogg", "machine", "train"),
    ("sound/blanket/pink-noise.ogg", "machine", "pink noise"),
    ("sound/blanket/white-noise.ogg", "machine", "white noise"),
    ("sound/max-audio/snoring.wav", "body", "snoring"),
    ("sound/librosa/456440__inspectorj__bird-whistling-robin-single-13.ogg", "animal", "bird"),
    ("sound/librosa/glacier-bay-humpback.ogg", "animal", "whale"),
    ("sound/librosa/Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg", "music", "orchestra"),
    ("sound/librosa/Kevin_MacLeod_-_Vibe_Ace.ogg", "music", "pop"),
    ("sound/librosa/Kevin_MacLeod_-_P_I_Tchaikovsky_Dance_of_the_Sugar_Plum_Fairy.ogg", "music", "celesta"),
    ("sound/librosa/Karissa_Hobbs_-_Lets_Go_Fishin.ogg", "music", "song"),
    ("sound/librosa/sorohanro_-_solo-trumpet-06.ogg", "music", "trumpet"),
]
CRY = "infant cry"  # the donateacry clips' name
LONG_PATCHES = 240  # at most, per long recording (so that no loop outweighs a class of clips)


class Clip:
    def __init__(self, path, cls, split, source, name):
        self.path, self.cls, self.split, self.source, self.name = path, cls, split, source, name


def esc10_name(folder):
    """"001 - Dog bark" -> "dog bark"."""
    return folder[6:].lower()


def condition(name):
    """A clip's name as the label condition of the sound-clips recordings (scripts/convert/sound_clips.py)."""
    return name.replace(" ", "-")


def condition_classes():
    """Every condition a sound-clips recording labels a clip with, and the clip's class."""
    names = {condition(esc10_name(folder)): cls for folder, cls in ESC10.items()}
    names.update({condition(name): cls for _, cls, name in LONG})
    names[condition(CRY)] = "body"
    return names


def _one_in(key, n):
    return zlib.crc32(key.encode()) % n == 0


def clips(shared, sound):
    """Every clip (short recordings), in a fixed order."""
    out = []
    for folder, cls in ESC10.items():
        for f in sorted(glob.glob(os.path.join(shared, "esc10", folder, "*.ogg"))):
            fold = os.path.basename(f)[0]
            if fold == "4":
                sys.exit(f"{f}: ESC-50 fold 4 is held out for independent evaluation; remove it")
            out.append(Clip(f, cls, "dev" if fold == "5" else "train", "ESC-10", esc10_name(folder)))
    words = sorted(glob.glob(os.path.join(shared, "speech-commands", "sc09", "*", "*.wav"))
                   + glob.glob(os.path.join(shared, "speech-commands", "v0.01", "*", "*.wav")))
    for f in words:
        speaker = os.path.basename(f).split("_nohash_")[0]
        out.append(Clip(f, "speech", "dev" if _one_in(speaker, 5) else "train", "Speech Commands", "word"))
    for f in sorted(glob.glob(os.path.join(sound, "fsdd", "*.wav"))):
        speaker = os.path.basename(f).split("_")[1]
        out.append(Clip(f, "speech", "dev" if speaker == "yweweler" else "train", "FSDD", "digit"))
    for f in sorted(glob.glob(os.path.join(sound, "librosa", "[0-9]*-*-0000.ogg"))):
        out.append(Clip(f, "speech", "train", "LibriSpeech (librosa)", "read speech"))
    for f in sorted(glob.glob(os.path.join(sound, "donateacry", "*", "*.wav"))):
        out.append(Clip(f, "body", "dev" if _one_in(os.path.basename(f), 5) else "train", "donateacry", CRY))
    return out


def load(path):
    """16 kHz mono float32 in +-1."""
    x, rate = sf.read(path, dtype="float32", always_2d=True)
    return fe.resample(x.mean(axis=1), rate)


def event_patches(samples, hop_frames=16):
    """The patches of a short clip that hold its sound: those whose loudest frame is within 12 dB of the
    clip's loudest (the rest of a dog-bark clip is silence, and silence says nothing). A clip shorter than a
    patch is centred in quiet."""
    frames = fe.log_mel(samples)
    if len(frames) < fe.PATCH_FRAMES:
        pad = fe.PATCH_FRAMES - len(frames)
        quiet = np.full((pad, fe.BANDS), frames.min() if len(frames) else -120, dtype=np.float32)
        frames = np.concatenate([quiet[: pad // 2], frames, quiet[pad // 2:]])
    top = frames.max()
    out = []
    for start in range(0, len(frames) - fe.PATCH_FRAMES + 1, hop_frames):
        p = frames[start:start + fe.PATCH_FRAMES]
        if p.max() >= top - 12:
            out.append(fe.patch(p))
    return out


def long_patches(samples, limit=LONG_PATCHES):
    """Patches every half second along a long recording, spread evenly, at most `limit`."""
    frames = fe.log_mel(samples)
    starts = list(range(0, len(frames) - fe.PATCH_FRAMES + 1, fe.PATCH_FRAMES // 2))
    if len(starts) > limit:
        starts = [starts[int(i * len(starts) / limit)] for i in range(limit)]
    return [fe.patch(frames[s:s + fe.PATCH_FRAMES]) for s in starts]


def build(shared, sound, noise_mixes=1, seed=7):
    """(x [n, 64, 32], y [n], split [n], group [n] names) for every patch; short clips also mixed with room
    noise at 5-25 dB SNR (`noise_mixes` copies each), and some low-passed at 4 kHz, so that neither a quiet
    studio nor an 8 kHz recording is a cue for a class."""
    rng = np.random.default_rng(seed)
    noises = [load(os.path.join(shared, "speech-commands", "_background_noise_", n))
              for n in ("pink_noise.wav", "white_noise.wav")]
    noises += [load(os.path.join(sound, "blanket", n)) for n in ("city.ogg", "wind.ogg", "boat.ogg")]
    xs, ys, splits, groups = [], [], [], []

    def add(patches, cls, split, group):
        xs.extend(patches)
        ys.extend([CLASSES.index(cls)] * len(patches))
        splits.extend([split] * len(patches))
        groups.extend([group] * len(patches))

    for c in clips(shared, sound):
        s = load(c.path)
        group = f"{c.source}: {c.name}"
        add(event_patches(s), c.cls, c.split, group)
        if c.split != "train":
            continue
        for _ in range(noise_mixes):
            noise = noises[rng.integers(len(noises))]
            start = rng.integers(0, max(1, len(noise) - len(s)))
            n = np.resize(noise[start:start + len(s)], len(s))
            snr = rng.uniform(5, 25)
            gain = np.sqrt((s ** 2).mean() / max((n ** 2).mean(), 1e-12) / 10 ** (snr / 10))
            mixed = s + gain * n
            if rng.random() < 0.3:
                mixed = fe.resample(fe.resample(mixed, fe.RATE, 8000), 8000)
            add(event_patches(mixed), c.cls, "train", group)
    for rel, cls, name in LONG:
        base = shared if rel.startswith("speech-commands/") else os.path.dirname(sound)
        s = load(os.path.join(base, rel))
        cut = int(len(s) * 0.75)
        group = f"{os.path.dirname(rel).split('/')[-1] or rel}: {name}"
        add(long_patches(s[:cut]), cls, "train", group)
        add(long_patches(s[cut:], LONG_PATCHES // 3), cls, "dev", group)
    return np.stack(xs), np.array(ys), np.array(splits), np.array(groups)


def digest(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]
