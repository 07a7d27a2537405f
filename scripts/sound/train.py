#!/usr/bin/env python3
"""Trains the sound classifier (make sound-model): a small CNN on 1 s log-mel
patches of real recordings (dataset.py), and writes

  models/sound.model   the network as the daemon runs it (JSON, presenced-sound-cnn v1),
                       with what it was trained on and its figures on the dev split
  models/sound.onnx    the same network for onnxruntime (scripts/pycheck/sound_check.py)
  models/SOUND.md      its model card

Usage: train.py SHARED_DATA SOUND_DATA [--epochs N] [--seed S]
Deterministic for a given torch version and thread count (2).
"""
import argparse
import datetime
import json
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
import dataset  # noqa: E402
import frontend as fe  # noqa: E402
import card  # noqa: E402

CHANNELS = (8, 16, 32)


def network(k):
    c = CHANNELS
    return nn.Sequential(
        nn.Conv2d(1, c[0], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c[0], c[1], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c[1], c[2], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c[2], k))


def masked(xb, rng):
    """SpecAugment-style: a random stretch of time and a band of frequencies set to the floor, half the time."""
    xb = xb.clone()
    for i in range(len(xb)):
        if rng.random() < 0.5:
            t = rng.integers(0, fe.PATCH_FRAMES - 8)
            xb[i, 0, t:t + rng.integers(1, 9)] = fe.FLOOR_DB / 20
        if rng.random() < 0.5:
            f = rng.integers(0, fe.BANDS - 4)
            xb[i, 0, :, f:f + rng.integers(1, 5)] = fe.FLOOR_DB / 20
    return xb


def quantised(model):
    """A copy with every conv/dense weight rounded to int8 per output channel (symmetric), as the daemon's
    int8 variant runs it."""
    q = network(len(dataset.CLASSES))
    q.load_state_dict(model.state_dict())
    with torch.no_grad():
        for mod in q.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                w = mod.weight
                scale = w.abs().reshape(w.shape[0], -1).max(1).values.clamp(min=1e-12) / 127
                shape = (-1,) + (1,) * (w.dim() - 1)
                mod.weight.copy_(torch.round(w / scale.reshape(shape)) * scale.reshape(shape))
    return q


def figures(pred, y, groups):
    """Per class and per source group: share of patches classed right, and as a person or not."""
    person = np.isin(pred, [dataset.CLASSES.index(c) for c in dataset.PERSON])
    person_true = np.isin(y, [dataset.CLASSES.index(c) for c in dataset.PERSON])
    per_class = {}
    for k, name in enumerate(dataset.CLASSES):
        sel = y == k
        per_class[name] = {"patches": int(sel.sum()), "correct": round(float((pred[sel] == k).mean()), 4),
                           "heard_as_person": round(float(person[sel].mean()), 4)}
    per_group = {}
    for gname in sorted(set(groups)):
        sel = groups == gname
        per_group[gname] = {"patches": int(sel.sum()), "class": dataset.CLASSES[int(y[sel][0])],
                            "heard_as_person": round(float(person[sel].mean()), 4)}
    return {"patches": int(len(y)), "accuracy": round(float((pred == y).mean()), 4),
            "person_accuracy": round(float((person == person_true).mean()), 4),
            "classes": per_class, "groups": per_group}


def layers_json(model):
    out = []
    for mod in model:
        if isinstance(mod, nn.Conv2d):
            out.append({"type": "conv3x3", "inputs": mod.in_channels, "outputs": mod.out_channels,
                        "weights": [round(float(v), 8) for v in mod.weight.detach().flatten()],
                        "bias": [round(float(v), 8) for v in mod.bias.detach()]})
        elif isinstance(mod, nn.ReLU):
            out[-1]["activation"] = "relu"
        elif isinstance(mod, nn.MaxPool2d):
            out.append({"type": "maxpool2"})
        elif isinstance(mod, nn.AdaptiveAvgPool2d):
            out.append({"type": "mean"})
        elif isinstance(mod, nn.Linear):
            out.append({"type": "dense", "inputs": mod.in_features, "outputs": mod.out_features,
                        "weights": [round(float(v), 8) for v in mod.weight.detach().flatten()],
                        "bias": [round(float(v), 8) for v in mod.bias.detach()], "activation": "identity"})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shared")
    ap.add_argument("sound")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="models")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(args.seed)

    clips = dataset.clips(args.shared, args.sound)
    x, y, split, groups = dataset.build(args.shared, args.sound)
    tr, dv = split == "train", split == "dev"
    X, Y = torch.tensor(x[:, None]), torch.tensor(y)
    k = len(dataset.CLASSES)
    model = network(k)
    counts = np.bincount(y[tr], minlength=k)
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor(counts.sum() / (k * counts), dtype=torch.float32))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.epochs)
    idx = np.where(tr)[0]
    for epoch in range(args.epochs):
        rng.shuffle(idx)
        model.train()
        total = 0.0
        for b in range(0, len(idx), 64):
            bi = idx[b:b + 64]
            opt.zero_grad()
            loss = loss_fn(model(masked(X[bi], rng)), Y[bi])
            loss.backward()
            opt.step()
            total += loss.item() * len(bi)
        sched.step()
        print(f"sound-model: epoch {epoch + 1}/{args.epochs} loss {total / len(idx):.3f}", file=sys.stderr)
    model.eval()
    with torch.no_grad():
        dev_logits = model(X[dv]).numpy()
        train_pred = model(X[tr]).argmax(1).numpy()
        int8_pred = quantised(model)(X[dv]).argmax(1).numpy()
    dev_pred = dev_logits.argmax(1)
    person = [dataset.CLASSES.index(c) for c in dataset.PERSON]
    dev = figures(dev_pred, y[dv], groups[dv])
    dev["int8_same_class"] = round(float((int8_pred == dev_pred).mean()), 4)
    dev["int8_same_person_decision"] = round(float((np.isin(int8_pred, person) == np.isin(dev_pred, person)).mean()), 4)

    os.makedirs(args.out, exist_ok=True)
    sources = sorted({(c.source, c.split) for c in clips})
    doc = {
        "format": "presenced-sound-cnn", "formatVersion": 1,
        "created": datetime.date.today().isoformat(),
        "frontend": {"sampleRate": fe.RATE, "window": fe.WINDOW, "hop": fe.HOP, "bands": fe.BANDS,
                     "lowHz": 60, "highHz": 7600, "patchFrames": fe.PATCH_FRAMES, "floorDB": fe.FLOOR_DB,
                     "scale": 20},
        "classes": dataset.CLASSES, "personClasses": sorted(dataset.PERSON, key=dataset.CLASSES.index),
        "layers": layers_json(model),
        "training": {"seed": args.seed, "epochs": args.epochs, "torch": torch.__version__,
                     "patches": {"train": int(tr.sum()), "dev": int(dv.sum())},
                     "trainAccuracy": round(float((train_pred == y[tr]).mean()), 4),
                     "clips": len(clips), "sources": [f"{s} ({sp})" for s, sp in sources],
                     "dataDigest": dataset.digest(sorted(c.path for c in clips))},
        "dev": dev,
    }
    path = os.path.join(args.out, "sound.model")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    torch.onnx.export(model, torch.zeros(1, 1, fe.PATCH_FRAMES, fe.BANDS), os.path.join(args.out, "sound.onnx"),
                      dynamo=False, input_names=["patch"], output_names=["logits"])
    card.write(doc, os.path.join(args.out, "SOUND.md"))
    print(f"{path}: dev accuracy {dev['accuracy']}, person or not {dev['person_accuracy']}, "
          f"int8 same decision {dev['int8_same_person_decision']}", file=sys.stderr)
    print(f"crc32 {zlib.crc32(open(path, 'rb').read()):08x}", file=sys.stderr)


if __name__ == "__main__":
    main()
