#!/usr/bin/env python3
"""Write a small recording with Python's MCAP writer, for our reader to replay.

Usage: write_sample.py OUT.mcap [zstd|lz4|none]     (chunk compression, zstd by default)

Schemas come from foxglove-schemas-protobuf (RawImage, RawAudio) and from a
SerialChunk descriptor built here field by field, not from our .proto files.
The values are checked by Tests/PresenceRecordingTests/PythonInteropTests.swift:
keep the two in step.
"""
import json
import sys

from foxglove_schemas_protobuf.RawAudio_pb2 import RawAudio
from foxglove_schemas_protobuf.RawImage_pb2 import RawImage
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from mcap.writer import CompressionType, Writer

T0 = 1_795_413_600_000_000_000


def file_descriptor_set(descriptor):
    """The message's file and everything it imports, dependencies first."""
    fds = descriptor_pb2.FileDescriptorSet()
    seen = set()

    def add(fd):
        if fd.name in seen:
            return
        for dep in fd.dependencies:
            add(dep)
        seen.add(fd.name)
        proto = fds.file.add()
        fd.CopyToProto(proto)

    add(descriptor.file)
    return fds.SerializeToString()


def serial_chunk_class():
    ts = descriptor_pb2.FileDescriptorProto()
    timestamp_pb2.DESCRIPTOR.CopyToProto(ts)
    fd = descriptor_pb2.FileDescriptorProto(name="presence/SerialChunk.proto", package="presence", syntax="proto3",
                                            dependency=["google/protobuf/timestamp.proto"])
    m = fd.message_type.add(name="SerialChunk")
    F = descriptor_pb2.FieldDescriptorProto
    m.field.add(name="timestamp", number=1, type=F.TYPE_MESSAGE, type_name=".google.protobuf.Timestamp", label=F.LABEL_OPTIONAL)
    m.field.add(name="device", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    m.field.add(name="data", number=3, type=F.TYPE_BYTES, label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(ts)
    pool.Add(fd)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("presence.SerialChunk"))


def stamp(msg, t):
    msg.timestamp.seconds = t // 1_000_000_000
    msg.timestamp.nanos = t % 1_000_000_000
    return msg


def main(out, compression="zstd"):
    SerialChunk = serial_chunk_class()
    with open(out, "wb") as f:
        w = Writer(f, chunk_size=256, compression={"zstd": CompressionType.ZSTD, "lz4": CompressionType.LZ4,
                                                   "none": CompressionType.NONE}[compression])
        w.start(profile="", library="write_sample.py")
        image_schema = w.register_schema("foxglove.RawImage", "protobuf", file_descriptor_set(RawImage.DESCRIPTOR))
        audio_schema = w.register_schema("foxglove.RawAudio", "protobuf", file_descriptor_set(RawAudio.DESCRIPTOR))
        serial_schema = w.register_schema("presence.SerialChunk", "protobuf", file_descriptor_set(SerialChunk.DESCRIPTOR))
        label_schema = w.register_schema("presence.OccupancyLabel", "jsonschema", b'{"type":"object"}')
        camera = w.register_channel("/camera/image", "protobuf", image_schema)
        audio = w.register_channel("/audio", "protobuf", audio_schema)
        radar = w.register_channel("/radar/ld2410", "protobuf", serial_schema)
        labels = w.register_channel("/labels/occupancy", "json", label_schema)
        weather = w.register_channel("/weather", "json", 0)  # an unknown topic: readers skip it
        w.add_metadata("presenced", {"scene": "python-sample", "seed": "0"})

        def put(channel, t, data):
            w.add_message(channel, log_time=t, publish_time=t, data=data)

        put(labels, T0, json.dumps({"occupied": False, "condition": "empty"}).encode())
        for k in range(3):  # mono8 8x6, pixel value = 10*k + x + 8*y
            t = T0 + k * 66_666_667
            img = RawImage(width=8, height=6, encoding="mono8", step=8, frame_id="cam",
                           data=bytes((10 * k + i) % 256 for i in range(48)))
            put(camera, t, stamp(img, t).SerializeToString())
        # rgb8 4x2 with step 16 (4 bytes of padding per row): pure red, green, blue, white, then black.
        row0 = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]) + b"\xAA" * 4
        row1 = bytes(12) + b"\xAA" * 4
        t = T0 + 250_000_000
        put(camera, t, stamp(RawImage(width=4, height=2, encoding="rgb8", step=16, data=row0 + row1), t).SerializeToString())
        t = T0 + 300_000_000
        put(audio, t, stamp(RawAudio(format="pcm-s16", sample_rate=16000, number_of_channels=1,
                                     data=b"".join(v.to_bytes(2, "little", signed=True) for v in [1, 2, 3, -4])), t).SerializeToString())
        t = T0 + 400_000_000
        stereo = [100, 200, -10, -20]
        put(audio, t, stamp(RawAudio(format="pcm-s16", sample_rate=48000, number_of_channels=2,
                                     data=b"".join(v.to_bytes(2, "little", signed=True) for v in stereo)), t).SerializeToString())
        t = T0 + 500_000_000
        put(radar, t, stamp(SerialChunk(device="/dev/ttyS9", data=bytes([0xF4, 0xF3, 0xF2, 0xF1, 0x01, 0x02])), t).SerializeToString())
        put(weather, T0 + 550_000_000, b'{"rain": true}')
        put(labels, T0 + 600_000_000, json.dumps({"occupied": True, "count": 1}).encode())
        # Written last but logged first: our reader must still return it in log_time order.
        t = T0 + 100_000_000
        put(radar, t, stamp(SerialChunk(device="/dev/ttyS9", data=bytes([0x55])), t).SerializeToString())
        w.finish()


if __name__ == "__main__":
    main(*sys.argv[1:3])
