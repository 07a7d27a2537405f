#!/usr/bin/env python3
"""Puts a loudspeaker into a recorded room: a copy of a recording (DESIGN.md §3)
whose microphone hears real programme sound instead of what it heard, every
other message (camera, radar, labels, metadata) unchanged except that each
label's condition names the programme. Made for rooms the camera and the
radar see empty: a television, a radio, a podcast or a smart speaker must not
make them occupied (issue 23).

Usage: loudspeaker.py IN.mcap OUT.mcap --programme television|radio|podcast|speaker
                      [--split dev|train] [--seed N]

The programme is assembled from the sound classifier's real clips of one split
(scripts/sound/dataset.py): speech (Speech Commands words, spoken digits,
LibriSpeech, strung into sentences) and music, each as a loudspeaker across the
room plays it (band-limited to 100-7000 Hz, at a level well above the room):
  television  speech and music taking turns every 10-30 s
  radio       music, with a minute of speech every few minutes
  podcast     speech only, two voices taking turns
  speaker     a short answer (2-4 s of speech) every 20-60 s, silence between
Deterministic for a given seed.
"""
import argparse
import json
import os
import sys

import numpy as np
from foxglove_schemas_protobuf.RawAudio_pb2 import RawAudio
from mcap.reader import make_reader
from mcap.writer import CompressionType, Writer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "sound"))
import dataset  # noqa: E402
import frontend as fe  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def material(split):
    """(speech clips, music tracks) of the split, 16 kHz float."""
    shared, sound = os.path.join(ROOT, "..", "shared", "data"), os.path.join(ROOT, "data", "sound")
    speech = [dataset.load(c.path) for c in dataset.clips(shared, sound) if c.cls == "speech" and c.split == split]
    music = []
    for rel, cls, _ in dataset.LONG:
        if cls != "music":
            continue
        s = dataset.load(os.path.join(ROOT, "data", rel))
        cut = int(len(s) * 0.75)
        music.append(s[:cut] if split == "train" else s[cut:])
    if not speech:
        # LibriSpeech is train-only; a dev programme still needs voices.
        sys.exit(f"loudspeaker: no speech clips in the {split} split")
    return speech, music


def speaking(rng, speech, seconds, pitch_shift=1.0):
    """Clips strung together with 0.1-0.4 s pauses: someone talking, `seconds` long."""
    out, n = [], int(seconds * fe.RATE)
    total = 0
    while total < n:
        clip = speech[rng.integers(len(speech))]
        clip = clip / max(1e-6, np.abs(clip).max())
        if pitch_shift != 1.0:
            clip = fe.resample(clip, fe.RATE, int(fe.RATE * pitch_shift))
        pause = np.zeros(int(rng.uniform(0.1, 0.4) * fe.RATE), dtype=np.float32)
        out += [clip, pause]
        total += len(clip) + len(pause)
    return np.concatenate(out)[:n]


def playing(rng, music, seconds):
    n = int(seconds * fe.RATE)
    track = music[rng.integers(len(music))]
    track = np.resize(track, max(n, len(track)))
    start = rng.integers(0, max(1, len(track) - n))
    piece = track[start:start + n]
    return piece / max(1e-6, np.abs(piece).max())


def programme(kind, seconds, rng, speech, music):
    n = int(seconds * fe.RATE)
    parts, total = [], 0
    while total < n:
        if kind == "television":
            s = rng.uniform(10, 30)
            part = speaking(rng, speech, s) if len(parts) % 2 == 0 else 0.7 * playing(rng, music, s)
        elif kind == "radio":
            part = speaking(rng, speech, 60) if len(parts) % 4 == 3 else 0.8 * playing(rng, music, rng.uniform(120, 200))
        elif kind == "podcast":
            part = speaking(rng, speech, rng.uniform(5, 20), pitch_shift=1.0 if len(parts) % 2 == 0 else 0.85)
        else:
            part = np.concatenate([speaking(rng, speech, rng.uniform(2, 4)),
                                   np.zeros(int(rng.uniform(20, 60) * fe.RATE), dtype=np.float32)])
        parts.append(part.astype(np.float32))
        total += len(part)
    out = np.concatenate(parts)[:n]
    # A loudspeaker across the room: no deep bass, no top, and a level well above the room (peaks at -10 dBFS).
    spec = np.fft.rfft(out)
    f = np.fft.rfftfreq(len(out), 1 / fe.RATE)
    spec[(f < 100) | (f > 7000)] = 0
    out = np.fft.irfft(spec, len(out))
    return 0.3 * out / max(1e-6, np.abs(out).max())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--programme", required=True, choices=["television", "radio", "podcast", "speaker"])
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    speech, music = material(args.split)
    with open(args.input, "rb") as f:
        reader = make_reader(f)
        summary = reader.get_summary()
        stats = summary.statistics
        seconds = (stats.message_end_time - stats.message_start_time) / 1e9 + 1
    sound = programme(args.programme, seconds, rng, speech, music)
    condition = f"{args.programme}-real"
    with open(args.input, "rb") as f, open(args.output, "wb") as out:
        reader = make_reader(f)
        w = Writer(out, compression=CompressionType.ZSTD)
        header = reader.get_header()
        w.start(profile=header.profile, library="presenced scripts/convert/loudspeaker.py")
        schemas, channels = {}, {}
        start = None
        for schema, channel, message in reader.iter_messages(log_time_order=True):
            if schema.id not in schemas:
                schemas[schema.id] = w.register_schema(schema.name, schema.encoding, schema.data)
            if channel.id not in channels:
                channels[channel.id] = w.register_channel(channel.topic, channel.message_encoding, schemas[schema.id],
                                                          channel.metadata)
            data = message.data
            if channel.topic == "/audio":
                msg = RawAudio()
                msg.ParseFromString(data)
                if msg.sample_rate != fe.RATE or msg.number_of_channels != 1 or msg.format != "pcm-s16":
                    sys.exit(f"loudspeaker: {args.input}: audio is not 16 kHz mono pcm-s16")
                start = message.log_time if start is None else start
                room = np.frombuffer(msg.data, dtype="<i2").astype(np.float32) / 32768
                at = int(round((message.log_time - start) * fe.RATE / 1e9))
                piece = np.resize(sound[at:at + len(room)], len(room))
                # The room's own sound stays under the programme.
                mixed = np.clip(np.round((room + piece) * 32767), -32768, 32767).astype("<i2")
                msg.data = mixed.tobytes()
                data = msg.SerializeToString()
            elif channel.topic == "/labels/occupancy":
                label = json.loads(data)
                if not label.get("occupied"):
                    label["condition"] = condition
                data = json.dumps(label).encode()
            w.add_message(channels[channel.id], log_time=message.log_time, publish_time=message.publish_time,
                          data=data, sequence=message.sequence)
        for name, meta in ((m.name, m.metadata) for m in reader.iter_metadata()):
            if name == "presenced":
                meta = dict(meta)
                meta["scene"] = f"{meta.get('scene', '')}+{args.programme}"
                meta["attribution"] = "programme sound: the sound classifier's real clips (data/sound/README.md)"
            w.add_metadata(name, meta)
        w.finish()
    print(f"{args.output}: {seconds:.0f} s of {args.programme} ({args.split} clips)")


if __name__ == "__main__":
    main()
