#!/usr/bin/env python3
"""Converts real audio from the Speech Commands data set into a labelled,
audio-only recording (DESIGN.md §3), written with Python's own MCAP stack.

Usage: speech_commands.py DATA_DIR OUT.mcap
  Recordings/speech-commands.mcap (make recordings-real).

DATA_DIR is ../shared/data/speech-commands. The result is deterministic: the
same input files give the same bytes. The scene strings real sounds together,
each block labelled by what it is: steady noise, a running tap and a cat
(nobody there), spoken words near and far (someone there), and washing up and
an exercise bike (someone there, not speaking). Clips are used unchanged
except for a fixed gain; between words there is quiet pink noise (room tone).

Attribution: "Speech Commands dataset by Pete Warden / Google, CC BY 4.0
(arXiv:1804.03209)".
"""
import array
import glob
import json
import os
import sys
import wave

from foxglove_schemas_protobuf.RawAudio_pb2 import RawAudio
from google.protobuf import descriptor_pb2
from mcap.writer import CompressionType, Writer

RATE = 16000
CHUNK = 320  # 20 ms, as a live microphone delivers it
T0 = 1_795_417_200_000_000_000  # 2026-11-23T07:00:00Z
ATTRIBUTION = "Speech Commands dataset by Pete Warden / Google, CC BY 4.0 (arXiv:1804.03209)"


def read_wav(path):
    with wave.open(path) as w:
        if (w.getframerate(), w.getsampwidth(), w.getnchannels()) != (RATE, 2, 1):
            sys.exit(f"{path}: expected 16 kHz 16-bit mono")
        return array.array("h", w.readframes(w.getnframes()))


def scaled(samples, gain):
    return array.array("h", (max(-32768, min(32767, round(s * gain))) for s in samples))


def mix(base, clip, at):
    for i, s in enumerate(clip):
        j = at + i
        if j < len(base):
            base[j] = max(-32768, min(32767, base[j] + s))


def scene(data):
    """(samples, labels): labels are (sample index, occupied, condition)."""
    noise = os.path.join(data, "_background_noise_")
    pink = read_wav(os.path.join(noise, "pink_noise.wav"))
    out = array.array("h")
    labels = []

    def room_tone(seconds, condition):
        labels.append((len(out), False, condition))
        n = int(seconds * RATE)
        out.extend(scaled(pink[:n], 0.4))

    def background(name, seconds, occupied, condition):
        labels.append((len(out), occupied, condition))
        clip = read_wav(os.path.join(noise, name + ".wav"))
        out.extend(scaled(clip[: int(seconds * RATE)], 1.0))

    def words(paths, gap, gain, condition):
        # Someone talking: one clip every `gap` seconds over the room tone.
        labels.append((len(out), True, condition))
        start = len(out)
        n = int(len(paths) * gap * RATE)
        out.extend(scaled(pink[:n], 0.4))
        for k, p in enumerate(paths):
            mix(out, scaled(read_wav(p), gain), start + int(k * gap * RATE))

    commands = sorted(glob.glob(os.path.join(data, "v0.01", "*", "*.wav")))
    digits = sorted(glob.glob(os.path.join(data, "sc09", "*", "*.wav")))
    room_tone(15, "room-tone")
    background("white_noise", 15, False, "steady-noise")
    background("running_tap", 20, False, "running-tap")
    background("dude_miaowing", 20, False, "pet")
    words(commands[::5], 1.5, 1.0, "speech")          # 20 words, 30 s
    room_tone(20, "room-tone")
    background("doing_the_dishes", 25, True, "human-activity")
    background("exercise_bike", 20, True, "human-activity")
    room_tone(15, "room-tone")
    words(digits[::2], 2.0, 0.35, "speech-far")       # 15 quieter words, 30 s
    room_tone(20, "room-tone")
    return out, labels


def write(samples, labels, path, scene="speech-commands", room="audio only: real sounds from Speech Commands",
          attribution=ATTRIBUTION, library="presenced scripts/convert/speech_commands.py"):
    """An audio-only recording of `samples` (16 kHz) with `labels` ((sample index, occupied, condition))."""
    with open(path, "wb") as f:
        w = Writer(f, compression=CompressionType.ZSTD)
        w.start(profile="", library=library)
        desc = RawAudio.DESCRIPTOR
        fds = descriptor_pb2.FileDescriptorSet()
        for fd in (desc.file.dependencies[0], desc.file):
            fd.CopyToProto(fds.file.add())
        audio_schema = w.register_schema("foxglove.RawAudio", "protobuf", fds.SerializeToString())
        audio = w.register_channel("/audio", "protobuf", audio_schema)
        label_schema = w.register_schema("presence.OccupancyLabel", "jsonschema", json.dumps({
            "type": "object", "properties": {"occupied": {"type": "boolean"}, "count": {"type": "integer"},
                                             "condition": {"type": "string"}}, "required": ["occupied"]}).encode())
        label_channel = w.register_channel("/labels/occupancy", "json", label_schema)
        w.add_metadata("presenced", {"scene": scene, "room": room,
                                     "seed": "0", "devices": "microphone", "attribution": attribution})
        events = [(i * 1_000_000_000 // RATE, "label", (occ, cond)) for i, occ, cond in labels]
        for start in range(0, len(samples) - CHUNK + 1, CHUNK):
            events.append((start * 1_000_000_000 // RATE, "audio", samples[start:start + CHUNK]))
        events.sort(key=lambda e: (e[0], e[1] != "label"))
        for offset, kind, value in events:
            t = T0 + offset
            if kind == "label":
                occupied, condition = value
                body = {"occupied": occupied, "count": 1 if occupied else 0, "condition": condition}
                w.add_message(label_channel, log_time=t, publish_time=t, data=json.dumps(body).encode())
            else:
                msg = RawAudio(data=value.tobytes(), format="pcm-s16", sample_rate=RATE, number_of_channels=1)
                msg.timestamp.seconds, msg.timestamp.nanos = divmod(t, 1_000_000_000)
                w.add_message(audio, log_time=t, publish_time=t, data=msg.SerializeToString())
        w.finish()


def main():
    args = sys.argv[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    samples, labels = scene(args[0])
    write(samples, labels, args[1])
    print(f"{sys.argv[2]}: {len(samples) / RATE:.1f} s, {len(labels)} labels")


if __name__ == "__main__":
    main()
