#!/usr/bin/env python3
"""Converts real audio from the Speech Commands data set into a labelled,
audio-only recording (DESIGN.md §3), written with Python's own MCAP stack.

Usage: speech_commands.py DATA_DIR OUT.mcap [--part eval|train-1|train-2|train-3]
  eval (the default): Recordings/speech-commands.mcap   (make recordings-real)
  train-1, -2, -3: the model's training recordings (make model): other word
         clips and other stretches of the background sounds, none of eval's
         audio, at three levels.

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


def scene(data, part="eval"):
    """(samples, labels): labels are (sample index, occupied, condition)."""
    noise = os.path.join(data, "_background_noise_")
    pink = read_wav(os.path.join(noise, "pink_noise.wav"))
    out = array.array("h")
    labels = []

    def room_tone(seconds, condition, gain=1.0):
        labels.append((len(out), False, condition))
        n = int(seconds * RATE)
        out.extend(scaled(pink[:n], 0.4 * gain))

    def background(name, seconds, occupied, condition, gain=1.0, skip=0):
        labels.append((len(out), occupied, condition))
        clip = read_wav(os.path.join(noise, name + ".wav"))[int(skip * RATE):]
        out.extend(scaled(clip[: int(seconds * RATE)], gain))

    def words(paths, gap, gain, condition, tone_gain=1.0):
        # Someone talking: one clip every `gap` seconds over the room tone.
        labels.append((len(out), True, condition))
        start = len(out)
        n = int(len(paths) * gap * RATE)
        out.extend(scaled(pink[:n], 0.4 * tone_gain))
        for k, p in enumerate(paths):
            mix(out, scaled(read_wav(p), gain), start + int(k * gap * RATE))

    commands = sorted(glob.glob(os.path.join(data, "v0.01", "*", "*.wav")))
    digits = sorted(glob.glob(os.path.join(data, "sc09", "*", "*.wav")))
    if part.startswith("train-"):
        # Disjoint from eval: other clips, the background sounds from 25 s on (eval uses their start).
        # Three passes, as three microphones would hear the same kinds of sound: at the eval's level,
        # quieter (a far or low-gain microphone) and louder, each with other words in another order and
        # another stretch of each background; three recordings, so that the training's validation split
        # (by recording) holds real sound too. Every sound that is not a person starts abruptly out of
        # room tone, as in a real room: a new steady noise is loud against the old noise floor for a while
        # and must still read as empty.
        gain, later, said, counted = {
            "train-1": (1.0, 0, commands[2::5], digits[1::2]),
            "train-2": (0.5, 3, commands[1::5][::-1], digits[1::2][::-1]),
            "train-3": (1.6, 6, commands[3::5], digits[1::2]),
        }[part]
        room_tone(10, "room-tone", gain)
        background("white_noise", 15, False, "steady-noise", gain=0.7 * gain, skip=25 + later)
        room_tone(8, "room-tone", gain)
        words(said, 1.8, 0.7 * gain, "speech", gain)      # 20 words, 36 s
        room_tone(8, "room-tone", gain)
        background("running_tap", 25, False, "running-tap", gain=gain, skip=25 + later)
        room_tone(8, "room-tone", gain)
        background("exercise_bike", 30, True, "human-activity", gain=gain, skip=25 + later)
        room_tone(8, "room-tone", gain)
        background("dude_miaowing", 30, False, "pet", gain=gain, skip=25 + later)
        room_tone(8, "room-tone", gain)
        background("pink_noise", 15, False, "steady-noise", gain=1.5 * gain, skip=25 + later)
        words(counted, 2.5, 0.5 * gain, "speech-far", gain)  # 15 quieter words, 37.5 s
        room_tone(8, "room-tone", gain)
        background("white_noise", 15, False, "steady-noise", gain=1.2 * gain, skip=39 + later)
        background("doing_the_dishes", 40, True, "human-activity", gain=gain, skip=30 + later)
        room_tone(15, "room-tone", gain)
        return out, labels
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
    part = "eval"
    if len(args) == 4 and args[2] == "--part" and args[3] in ("eval", "train-1", "train-2", "train-3"):
        part = args[3]
        args = args[:2]
    if len(args) != 2:
        sys.exit(__doc__)
    samples, labels = scene(args[0], part)
    write(samples, labels, args[1])
    print(f"{sys.argv[2]}: {len(samples) / RATE:.1f} s, {len(labels)} labels")


if __name__ == "__main__":
    main()
