#!/usr/bin/env python3
"""presenced's voice detection (the audio_voice feature, over 0.5) against
webrtcvad in mode 3 (its most aggressive), on the same real audio from
../shared/data/speech-commands, in one run.

Usage: scripts/peers/vad_vs_webrtcvad.py [DATA_DIR]      (make vad-compare)

- Recall: the 130 spoken-word clips, each a recording of its own (1 s, a word
  with silence around it); a clip counts as detected when any 100 ms tick of
  it is voice.
- False positives: the six background files (white and pink noise, a running
  tap, a cat, washing up, an exercise bike: sound, but no speech), each a
  recording of its own; the share of their 100 ms ticks called voice.
webrtcvad decides per 10 ms frame; a tick is voice when at least half of its
ten frames are. Audio goes to presenced as a recording written here with
Python's MCAP stack, and comes back as `replay --features`. Prints Markdown.
Needs requirements-peers.txt.
"""
import csv
import glob
import os
import subprocess
import sys
import wave

import webrtcvad
from foxglove_schemas_protobuf.RawAudio_pb2 import RawAudio
from google.protobuf import descriptor_pb2
from mcap.writer import CompressionType, Writer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("PRESENCED", os.path.join(ROOT, ".build/debug/presenced"))
OUT = os.path.join(ROOT, "out/vad")
RATE = 16000
T0 = 1_795_420_800_000_000_000


def pcm(path):
    with wave.open(path) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (RATE, 2, 1), path
        return w.readframes(w.getnframes())


def write_recording(data, path):
    """Audio only, 20 ms chunks, as a microphone would deliver it."""
    with open(path, "wb") as f:
        w = Writer(f, compression=CompressionType.ZSTD)
        w.start(profile="", library="scripts/peers/vad_vs_webrtcvad.py")
        fds = descriptor_pb2.FileDescriptorSet()
        for fd in (RawAudio.DESCRIPTOR.file.dependencies[0], RawAudio.DESCRIPTOR.file):
            fd.CopyToProto(fds.file.add())
        channel = w.register_channel("/audio", "protobuf", w.register_schema("foxglove.RawAudio", "protobuf", fds.SerializeToString()))
        step = 640  # bytes: 320 samples
        for k, start in enumerate(range(0, len(data) - step + 1, step)):
            t = T0 + k * 20_000_000
            msg = RawAudio(data=data[start:start + step], format="pcm-s16", sample_rate=RATE, number_of_channels=1)
            msg.timestamp.seconds, msg.timestamp.nanos = divmod(t, 1_000_000_000)
            w.add_message(channel, log_time=t, publish_time=t, data=msg.SerializeToString())
        w.finish()


def ours(data, name):
    """presenced's per-tick voice decisions for one recording."""
    rec = os.path.join(OUT, name + ".mcap")
    csv_path = os.path.join(OUT, name + ".csv")
    write_recording(data, rec)
    r = subprocess.run([BIN, "replay", rec, "--features", csv_path], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"vad: replay {rec}: {r.stderr}")
    with open(csv_path) as f:
        return [float(row["audio_voice"]) > 0.5 for row in csv.DictReader(f)]


def webrtc(data, vad):
    """webrtcvad's decisions per 100 ms tick (at least 5 of its 10 ms frames)."""
    frame = 320  # bytes: 10 ms
    frames = [vad.is_speech(data[i:i + frame], RATE) for i in range(0, len(data) - frame + 1, frame)]
    return [sum(frames[i:i + 10]) >= 5 for i in range(0, len(frames) - 9, 10)]


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "speech-commands")
    os.makedirs(OUT, exist_ok=True)
    vad = webrtcvad.Vad(3)
    words = sorted(glob.glob(os.path.join(data_dir, "v0.01", "*", "*.wav")) + glob.glob(os.path.join(data_dir, "sc09", "*", "*.wav")))
    backgrounds = sorted(glob.glob(os.path.join(data_dir, "_background_noise_", "*.wav")))
    if not words or not backgrounds:
        sys.exit(f"vad: no Speech Commands data under {data_dir}")
    hits = {"presenced": 0, "webrtcvad": 0}
    for i, path in enumerate(words):
        data = pcm(path)
        hits["presenced"] += any(ours(data, f"word-{i:03d}"))
        hits["webrtcvad"] += any(webrtc(data, vad))
    print("| detector | words detected (recall) | " + " | ".join(f"{os.path.basename(b)[:-4]} false positives" for b in backgrounds) + " | all background |")
    print("|---|---|" + "---|" * (len(backgrounds) + 1))
    rows = {}
    for name in ("presenced", "webrtcvad"):
        fp_all, ticks_all, cells = 0, 0, []
        for b in backgrounds:
            data = pcm(b)
            decisions = ours(data, "bg-" + os.path.basename(b)[:-4]) if name == "presenced" else webrtc(data, vad)
            fp_all += sum(decisions)
            ticks_all += len(decisions)
            cells.append(f"{100 * sum(decisions) / len(decisions):.1f} %")
        rows[name] = (hits[name] / len(words), fp_all / ticks_all)
        print(f"| {name} | {hits[name]}/{len(words)} ({hits[name] / len(words):.2f}) | " + " | ".join(cells) + f" | {100 * fp_all / ticks_all:.1f} % |")
    (ro, fo), (rw, fw) = rows["presenced"], rows["webrtcvad"]
    print(f"\nRecall {ro:.2f} vs {rw:.2f}; false positives on speech-free sound {100 * fo:.1f} % vs {100 * fw:.1f} % of 100 ms ticks.")


if __name__ == "__main__":
    main()
