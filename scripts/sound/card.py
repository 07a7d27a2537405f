"""Writes the sound classifier's model card (models/SOUND.md) from the model file's own figures and, when
given, what the daemon did with each kind of sound (`presenced eval`'s metrics.json of the sound-clips
recording: how often each switched a quiet room on by itself).

Usage: card.py MODEL CARD [METRICS.json]     (make sound-card; train.py writes the card without it)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import dataset  # noqa: E402

LICENCES = [
    ("ESC-10 (folds 1, 2, 3 train; fold 5 dev)", "../shared/data/esc10", "CC BY 3.0 (K. J. Piczak, Freesound clips)"),
    ("Speech Commands words and background noise", "../shared/data/speech-commands", "CC BY 4.0 (Pete Warden / Google)"),
    ("Free Spoken Digit Dataset (120 clips)", "data/sound/fsdd", "CC BY-SA 4.0 (github.com/Jakobovski/free-spoken-digit-dataset)"),
    ("donateacry-corpus, cleaned (40 infant cries)", "data/sound/donateacry", "ODbL 1.0 / DbCL 1.0"),
    ("librosa example audio (LibriSpeech, music, bird, whale)", "data/sound/librosa", "each file's .txt: CC BY 4.0, CC BY 3.0, CC BY, public domain"),
    ("Blanket ambient loops", "data/sound/blanket", "SOUNDS_LICENSING.md: CC0, CC BY, CC BY-SA, public domain"),
    ("Snoring (freesound 52234, mookie182)", "data/sound/max-audio", "CC BY"),
]


def switched_table(metrics):
    """Rows of the daemon's "switched on" per sound (person's first), from an evaluation of the sound-clips
    recording, and the totals for a person's sounds and the rest."""
    classes = dataset.condition_classes()
    rows, totals = [], {True: [0, 0], False: [0, 0]}
    items = [(k, v) for k, v in metrics.get("switchedOn", {}).items() if k in classes and v["stretches"] > 0]
    for condition, c in sorted(items, key=lambda kv: (classes[kv[0]] not in dataset.PERSON, classes[kv[0]], kv[0])):
        person = classes[condition] in dataset.PERSON
        totals[person][0] += c["switchedOn"]
        totals[person][1] += c["stretches"]
        rows.append(f"| {condition} | {classes[condition]} | {'yes' if person else 'no'} | "
                    f"{c['switchedOn']} of {c['stretches']} |")
    for person in (True, False):
        on, n = totals[person]
        if n:
            rows.append(f"| **all {'of a person' if person else 'not of a person'}** | | | "
                        f"**{on} of {n} ({100 * on / n:.0f} %)** |")
    tone = metrics.get("switchedOn", {}).get("room-tone")
    if tone and tone["stretches"]:
        rows.append(f"| the quiet room tone between clips (more than 2 s after one) | | no | "
                    f"{tone['switchedOn']} of {tone['stretches']} |")
    return rows


def write(doc, path, metrics=None):
    dev = doc["dev"]
    t = doc["training"]
    fe = doc["frontend"]
    lines = [
        "# Model card: `sound.model`",
        "",
        "Written by `make sound-model` (scripts/sound/train.py) with the model; do not edit by hand.",
        "",
        "## What it is",
        "",
        f"The microphone's sound classifier: from about one second of sound ({fe['patchFrames']} log-mel frames of "
        f"{fe['bands']} bands, {fe['window']}-sample windows every {fe['hop']} samples at {fe['sampleRate']} Hz, made "
        f"relative to the loudest value and clipped {-fe['floorDB']:.0f} dB below it) to one of "
        f"{len(doc['classes'])} classes: " + ", ".join(doc["classes"]) + ". "
        + "A person is " + " or ".join(doc["personClasses"]) + ". A CNN of three 3x3 convolutions (ReLU, 2x2 max "
        "pooling), a mean over what is left and a dense layer; float32 in the daemon, with an int8 variant "
        "(weights rounded per output channel). `models/sound.onnx` is the same network for onnxruntime.",
        "",
        "**Intended use**: evidence for presence: does this sound come from a person in the room. "
        "**Not for**: recognising anyone, or telling a person from a loudspeaker playing one (a television "
        "speaking is speech: the fusion has to weigh it against the camera and the radar).",
        "",
        "## Training data",
        "",
        f"{t['clips']} real clips and {len([g for g in dev['groups'] if g])} source groups; "
        f"{t['patches']['train']} training patches (clips mixed with room noise at 5-25 dB SNR and some "
        f"band-limited to 4 kHz, so that neither is a cue), {t['patches']['dev']} dev patches that no training "
        f"step saw. Data digest `{t['dataDigest']}`, seed {t['seed']}, {t['epochs']} epochs, torch {t['torch']}.",
        "",
        "| data | where | licence |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | `{b}` | {c} |" for a, b, c in LICENCES]
    lines += [
        "",
        "ESC-50's fold 4 is kept for independent evaluation: it is in no copy here, and `dataset.py` stops if a "
        "clip of it turns up. Attribution for every source: `data/sound/README.md`.",
        "",
        "Looked at and not used: ESC-50 beyond its ESC-10 subset (CC BY-NC), the Nonverbal Vocalization "
        "Dataset (coughs, laughs, sneezes; CC BY-NC-ND), Virufy and COUGHVID mirrors (non-commercial, or code "
        "only), repositories of coughs without a licence (covid19-cough, Cough-Etiquette), VocalSound and "
        "Coswara (audio not in the repository; Coswara is CC BY 4.0 and would be the first to add), Moodist's "
        "household sounds (no per-file licence).",
        "",
        "## Figures on the dev split",
        "",
        f"Per patch: class right {dev['accuracy']:.3f}, person or not right {dev['person_accuracy']:.3f}; "
        f"the int8 variant gives the same class on {dev['int8_same_class']:.3f} of the patches and the same "
        f"person-or-not decision on {dev['int8_same_person_decision']:.3f}. (Training patches: class right "
        f"{t['trainAccuracy']:.3f}.)",
        "",
        "| class | dev patches | class right | heard as a person |",
        "|---|---|---|---|",
    ]
    lines += [f"| {k} | {v['patches']} | {v['correct']:.2f} | {v['heard_as_person']:.2f} |" for k, v in dev["classes"].items()]
    lines += ["", "Per source (what the daemon would hear as a person, by what it was):", "",
              "| source | class | dev patches | heard as a person |", "|---|---|---|---|"]
    lines += [f"| {g} | {v['class']} | {v['patches']} | {v['heard_as_person']:.2f} |" for g, v in dev["groups"].items()]
    if metrics is not None:
        lines += ["", "## In the daemon: what switched a quiet room on", "",
                  "Each dev clip played once into a quiet room, microphone only (`make sound-clips`, scored by "
                  "`presenced eval`): how many of each kind made presenced say \"occupied\" by itself, the sound "
                  "classifier's person score (speech + body: what a microphone alone says) going through the "
                  "tracker as it does live. Human "
                  "sounds should; the rest should not. Only clips that found the room vacant are counted: the "
                  "recording has one stretch per clip, so fewer here means the room was still occupied when "
                  "the others began.", "",
                  "| sound | class | a person | switched the room on |", "|---|---|---|---|"]
        lines += switched_table(metrics)
    lines += [
        "",
        "## Failure modes",
        "",
        "- Coughing, laughing and breathing are in no training source (no openly licensed real recordings of "
        "them were found): how they are heard is unknown until measured.",
        "- A loudspeaker playing speech is speech to this model.",
        "- Dev figures are per 1 s patch of few sources (some classes rest on a handful of recordings); the "
        "daemon's decision adds loudness, the other sensors and time.",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    metrics = None
    if len(sys.argv) == 4:
        with open(sys.argv[3]) as f:
            metrics = json.load(f)
    write(doc, sys.argv[2], metrics)


if __name__ == "__main__":
    main()
