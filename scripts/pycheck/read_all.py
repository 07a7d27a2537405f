#!/usr/bin/env python3
"""Decode every message of a presenced recording with Python's own MCAP stack.

Usage: read_all.py FILE.mcap [--any-content]

--any-content accepts every encoding the recording format allows (rgb8,
stereo, ...), for files that other tools wrote; by default the content must be
what presenced itself writes (mono8 images, mono audio, non-empty serial chunks).

Independent of our Swift code: `mcap` parses the container (and checks CRCs),
`mcap-protobuf-support` decodes protobuf messages from the schemas embedded in
the file. Prints {"topics": {topic: count}, "messages": n, "metadata": {...}}
as JSON and exits 1 on the first problem.
"""
import json
import sys

from mcap.reader import make_reader
from mcap_protobuf.decoder import DecoderFactory

EXPECTED_SCHEMA = {
    "/camera/image": "foxglove.RawImage",
    "/audio": "foxglove.RawAudio",
    "/radar/ld2410": "presence.SerialChunk",
    "/radar/ld2450": "presence.SerialChunk",
}


def check_message(topic, msg, log_time):
    stamp = msg.timestamp.seconds * 1_000_000_000 + msg.timestamp.nanos
    if stamp != log_time:
        raise ValueError(f"{topic}: protobuf timestamp {stamp} != log_time {log_time}")
    if topic == "/camera/image":
        if msg.encoding != "mono8" or len(msg.data) != msg.step * msg.height or msg.step < msg.width:
            raise ValueError(f"bad RawImage {msg.width}x{msg.height} step {msg.step} {msg.encoding} len {len(msg.data)}")
    elif topic == "/audio":
        if msg.format != "pcm-s16" or msg.number_of_channels not in (1, 2) or len(msg.data) % (2 * msg.number_of_channels):
            raise ValueError(f"bad RawAudio {msg.format} {msg.number_of_channels}ch len {len(msg.data)}")
    elif not msg.data:
        raise ValueError(f"{topic}: empty SerialChunk")


def main(path, any_content=False):
    factory = DecoderFactory()
    counts = {}
    with open(path, "rb") as f:
        reader = make_reader(f, validate_crcs=True)
        summary = reader.get_summary()
        if summary is None or summary.statistics is None:
            raise ValueError("no summary section with statistics")
        metadata = {m.name: dict(m.metadata) for m in reader.iter_metadata()}
        total = 0
        for schema, channel, message in reader.iter_messages(log_time_order=True):
            total += 1
            topic = channel.topic
            counts[topic] = counts.get(topic, 0) + 1
            if channel.message_encoding == "protobuf":
                if EXPECTED_SCHEMA.get(topic) != schema.name:
                    raise ValueError(f"{topic}: schema {schema.name}")
                decoder = factory.decoder_for("protobuf", schema)
                decoded = decoder(message.data)
                if not any_content:
                    check_message(topic, decoded, message.log_time)
            elif channel.message_encoding == "json":
                obj = json.loads(message.data)
                if topic == "/labels/occupancy" and not isinstance(obj.get("occupied"), bool):
                    raise ValueError(f"label without a boolean 'occupied': {obj}")
            else:
                raise ValueError(f"{topic}: unexpected message encoding {channel.message_encoding}")
        if total != summary.statistics.message_count:
            raise ValueError(f"read {total} messages, statistics say {summary.statistics.message_count}")
    print(json.dumps({"topics": counts, "messages": total, "metadata": metadata}, sort_keys=True))


if __name__ == "__main__":
    try:
        main(sys.argv[1], "--any-content" in sys.argv[2:])
    except Exception as e:  # one line for the calling test
        print(f"read_all: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
