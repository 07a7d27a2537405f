#!/usr/bin/env python3
"""Converts the SBI2015 sequences with per-pixel ground truth, as lim-anggun/FgSegNet publishes them
(SBI2015_dataset/<sequence>/{input,groundtruth,temporalROI.txt,ROI.bmp}), into the development set of real
video for the background model (BENCHMARKS.md, `make bgs-compare`).

Usage: sbi2015.py SOURCE OUT_DIR [--sequences NAME,NAME,...] [--fps N]
  SOURCE   lim-anggun/FgSegNet: a checkout, or its git directory without a work tree (the `fetch`
           tool's mirror, e.g. ../.mirror/lim-anggun+FgSegNet/repo). Only SBI2015_dataset/ is read.
  OUT_DIR  for each sequence OUT_DIR/<sequence>/:
           <sequence>.mcap the frames as mono8 /camera/image (BT.601 luma, as OpenCV converts them) at
                           --fps (15, the camera rate presenced expects; the sequences' own rates are not
                           published), and /labels/occupancy from the ground truth: occupied while at least
                           0.5 % of the frame is foreground after a 3x3 median (the frame-level rule of
                           `make bgs-compare`);
           truth/NNNNNN.pgm the ground truth of the n-th frame (1-based, as `replay --dump-masks` numbers its
                           masks), CDnet's values kept: 255 foreground, 0 and 50 background, 85 and 170 not
                           scored;
           roi.pgm         the spatial region of interest (255 inside), the whole frame when none is given;
           info.json       size, frames, the temporal region of interest (1-based, inclusive), source, licence.
The output is deterministic: the same input gives the same bytes.

The sequences (indoor ones; the default set): CAVIAR1, CAVIAR2, HallAndMonitor, HumanBody2, IBMtest2,
Board, Snellen, Candela_m1.10, CaVignal.

Licence: the SBI data set (Maddalena & Petrosino, "Towards benchmarking scene background initialization",
ICIAP 2015 workshops) is for research; lim-anggun/FgSegNet's ground truth and its copy are under CC BY-NC
4.0. Neither is committed to this repository: the converted files stay in the git-ignored OUT_DIR.
Not used here: CDnet 2014 (FgSegNet_dataset2014/ in the same repository), whose `baseline` category is
kept for independent evaluation.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tarfile

import cv2
import numpy as np
from foxglove_schemas_protobuf.RawImage_pb2 import RawImage
from google.protobuf import descriptor_pb2
from mcap.writer import CompressionType, Writer

SEQUENCES = ["CAVIAR1", "CAVIAR2", "HallAndMonitor", "HumanBody2", "IBMtest2", "Board", "Snellen", "Candela_m1.10", "CaVignal"]
T0 = 1_795_420_800_000_000_000  # 2026-11-23T08:00:00Z
SOURCE = "github.com/lim-anggun/FgSegNet, SBI2015_dataset (from the SBI data set of Maddalena & Petrosino, 2015)"
LICENCE = "SBI data set: research use; FgSegNet's ground truth and copy: CC BY-NC 4.0 (not redistributed here)"
PRESENCE_SHARE = 0.005


def read_sequence(source, name):
    """{relative path: bytes} of SBI2015_dataset/<name>/ from a checkout or a git directory."""
    prefix = f"SBI2015_dataset/{name}/"
    checkout = os.path.join(source, prefix)
    if os.path.isdir(checkout):
        out = {}
        for root, _, files in os.walk(checkout):
            for f in files:
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    out[os.path.relpath(path, checkout)] = fh.read()
        return out
    archive = subprocess.run(["git", f"--git-dir={source}", "archive", "HEAD", prefix], capture_output=True)
    if archive.returncode != 0:
        sys.exit(f"sbi2015: {source} holds no {prefix} (a checkout or the git directory of lim-anggun/FgSegNet): "
                 f"{archive.stderr.decode().strip()}")
    out = {}
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                out[member.name[len(prefix):]] = tar.extractfile(member).read()
    return out


def decode(data, flags):
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    if image is None:
        sys.exit("sbi2015: an image does not decode")
    return image


def pgm(path, image):
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (image.shape[1], image.shape[0]))
        f.write(np.ascontiguousarray(image, dtype=np.uint8).tobytes())


def convert(source, name, out_dir, fps):
    files = read_sequence(source, name)
    inputs = sorted(p for p in files if p.startswith("input/"))
    truths = sorted(p for p in files if p.startswith("groundtruth/"))
    if not inputs or len(inputs) != len(truths):
        sys.exit(f"sbi2015: {name}: {len(inputs)} frames and {len(truths)} ground-truth images")
    d = os.path.join(out_dir, name)
    os.makedirs(os.path.join(d, "truth"), exist_ok=True)
    frames, labels = [], []
    for n, (ip, tp) in enumerate(zip(inputs, truths), start=1):
        luma = decode(files[ip], cv2.IMREAD_GRAYSCALE)
        truth = decode(files[tp], cv2.IMREAD_GRAYSCALE)
        if truth.shape != luma.shape:
            sys.exit(f"sbi2015: {name}: {tp} is {truth.shape}, the frame {luma.shape}")
        pgm(os.path.join(d, "truth", f"{n:06d}.pgm"), truth)
        foreground = cv2.medianBlur(np.where(truth == 255, 255, 0).astype(np.uint8), 3)
        labels.append(np.count_nonzero(foreground) >= PRESENCE_SHARE * foreground.size)
        frames.append(luma)
    height, width = frames[0].shape
    roi = np.full((height, width), 255, dtype=np.uint8)
    if "ROI.bmp" in files:
        roi = np.where(decode(files["ROI.bmp"], cv2.IMREAD_GRAYSCALE) > 0, 255, 0).astype(np.uint8)
    pgm(os.path.join(d, "roi.pgm"), roi)
    first, last = 1, len(frames)
    if "temporalROI.txt" in files:
        bounds = files["temporalROI.txt"].decode().split()
        if len(bounds) == 2:
            # 0-based in SBI2015's files (CDnet's are 1-based): "0 609" for 610 frames.
            first, last = max(1, int(bounds[0]) + 1), min(len(frames), int(bounds[1]) + 1)
    info = {"sequence": name, "width": width, "height": height, "frames": len(frames), "fps": fps,
            "temporal_roi": [first, last], "source": SOURCE, "licence": LICENCE,
            "occupied_frames": int(sum(labels))}
    with open(os.path.join(d, "info.json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
    write_recording(os.path.join(d, f"{name}.mcap"), name, frames, labels, fps)
    return info


def write_recording(path, name, frames, labels, fps):
    with open(path + ".part", "wb") as f:
        w = Writer(f, compression=CompressionType.ZSTD)
        w.start(profile="", library="presenced scripts/convert/sbi2015.py")
        desc = RawImage.DESCRIPTOR
        fds = descriptor_pb2.FileDescriptorSet()
        for fd in (desc.file.dependencies[0], desc.file):
            fd.CopyToProto(fds.file.add())
        image_schema = w.register_schema("foxglove.RawImage", "protobuf", fds.SerializeToString())
        camera = w.register_channel("/camera/image", "protobuf", image_schema)
        label_schema = w.register_schema("presence.OccupancyLabel", "jsonschema", json.dumps({
            "type": "object", "properties": {"occupied": {"type": "boolean"}, "count": {"type": "integer"},
                                             "condition": {"type": "string"}}, "required": ["occupied"]}).encode())
        label_channel = w.register_channel("/labels/occupancy", "json", label_schema)
        w.add_metadata("presenced", {"scene": f"sbi2015-{name}", "room": f"SBI2015 {name} (real video, camera only)",
                                     "seed": "0", "devices": f"camera mono8 {frames[0].shape[1]}x{frames[0].shape[0]}@{fps}",
                                     "source": SOURCE, "licence": LICENCE})
        last = None
        for n, (luma, occupied) in enumerate(zip(frames, labels)):
            t = T0 + n * 1_000_000_000 // fps
            if occupied != last:
                body = {"occupied": bool(occupied), "condition": "moving" if occupied else "empty"}
                w.add_message(label_channel, log_time=t, publish_time=t, data=json.dumps(body).encode())
                last = occupied
            h, wd = luma.shape
            msg = RawImage(frame_id="camera", width=wd, height=h, encoding="mono8", step=wd, data=luma.tobytes())
            msg.timestamp.seconds, msg.timestamp.nanos = divmod(t, 1_000_000_000)
            w.add_message(camera, log_time=t, publish_time=t, data=msg.SerializeToString())
        w.finish()
    os.replace(path + ".part", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source")
    ap.add_argument("out_dir")
    ap.add_argument("--sequences", default=",".join(SEQUENCES))
    ap.add_argument("--fps", type=int, default=15)
    args = ap.parse_args()
    for name in args.sequences.split(","):
        info = convert(args.source, name, args.out_dir, args.fps)
        print(f"{name}: {info['frames']} frames {info['width']}x{info['height']}, "
              f"{info['occupied_frames']} with someone, scored {info['temporal_roi'][0]}-{info['temporal_roi'][1]}")


if __name__ == "__main__":
    main()
