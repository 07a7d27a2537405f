import Foundation

/// The model card (`models/README.md`), written by `presenced train` from the
/// model file itself: what it was trained on, what it is for, how it scores on
/// its validation recordings by condition and by sensor, and where it fails.
public struct ModelCard {
    public var model: ModelFile
    /// The model file's path, for the card's commands.
    public var modelPath: String
    /// Labelled seconds per condition in the training data.
    public var conditionSeconds: [String: Double]
    public var seconds: Double

    public init(model: ModelFile, modelPath: String, conditionSeconds: [String: Double], seconds: Double) {
        (self.model, self.modelPath, self.conditionSeconds, self.seconds) = (model, modelPath, conditionSeconds, seconds)
    }

    public var markdown: String {
        let m = model, t = model.training
        var out = """
        # Model card: `\((modelPath as NSString).lastPathComponent)`

        Written by `presenced train` with the model; do not edit by hand (`make model` makes both again).

        ## What it is

        The fusion step of presenced: from one 100 ms tick's features (feature spec v\(m.spec.version), \
        `\(m.spec.hash)`: \(FeatureSpec.featureCount) features of the camera, microphone and radar, plus a \
        presence bit per sensor) to p(occupied). A multilayer perceptron, \
        \(([FeatureSpec.inputCount] + t.hidden + [1]).map(String.init).joined(separator: " → ")) (ReLU, \
        logistic output), float32, \(m.layers.reduce(0) { $0 + $1.weights.count + $1.bias.count }) parameters. \
        Each feature is normalised by the training data's mean and deviation and clipped to ±\(Int(FeatureSpec.clip)) \
        deviations; a sensor without data contributes zeros and a 0 presence bit. The tracker (on/off thresholds, \
        on-latency, hold) turns its output into occupancy events. With the microphone as the only sensor, p is \
        not this model's but the sound classifier's person score (`MicrophoneAlone`; `only audio` below is that \
        score, on simulated voices the classifier was not made for; real sounds: `models/SOUND.md`).

        **Intended use**: presence in a room (a home or an office) seen by a 320x240 camera, a microphone \
        and an LD2410/LD2450 radar, any subset of them. **Not for**: counting people, identifying anyone, \
        safety decisions (a missed person must not put anyone at risk).

        ## Training data

        \(t.data.count) labelled recordings, \(String(format: "%.0f", seconds)) s of labelled ticks \
        (\(t.data.filter { $0.split == "validation" }.count) set aside for validation, chosen by name: every \
        \(ordinal) recording of each kind of device, never one given with `--train-only`). Labelled time by \
        condition:

        | condition | seconds |
        |---|---|

        """
        for (c, s) in conditionSeconds.sorted(by: { $0.key < $1.key }) { out += "| \(c) | \(String(format: "%.0f", s)) |\n" }
        out += """

        All of it is simulated (`presenced simulate`, `Recordings/training.tsv`) except what the list below \
        shows as real: the simulator's rooms, people and sensor noise are what this model knows. A real room \
        will differ, and the model's figures there are unknown until real labelled recordings are added \
        (record with the flight recorder, `presenced label`, train again).

        | recording | split | ticks | bytes | CRC-32 |
        |---|---|---|---|---|

        """
        for f in t.data { out += "| `\(f.file)` | \(f.split) | \(f.ticks) | \(f.bytes) | \(f.crc32) |\n" }
        out += """

        Training: seed \(t.seed), Adam at \(t.learningRate), batches of \(t.batchSize), class weights \
        \(t.classWeights.map { String(format: "%.3f", $0) }.joined(separator: " / ")) (occupied / empty), each \
        present sensor hidden from an example with probability \(t.modalityDropout) (so that any subset of \
        sensors works), early stopping on the validation loss: best epoch \(t.bestEpoch) of \(t.epochs) \
        (patience \(t.patience)).

        ## How it scores (per 100 ms tick, threshold 0.5, before the tracker)

        | ticks | count | precision | recall | F1 | accuracy |
        |---|---|---|---|---|---|
        \(row("training", m.metrics.train))
        \(row("validation", m.metrics.validation))

        Validation by condition (the label's `condition`; `occupied`/`empty` where it has none):

        | condition | ticks | precision | recall | F1 | accuracy |
        |---|---|---|---|---|---|

        """
        for (c, s) in m.metrics.validationByCondition.sorted(by: { $0.key < $1.key }) { out += row(c, s) + "\n" }
        out += """

        Validation with sensors hidden (on the ticks where that sensor had data):

        | sensors | ticks | precision | recall | F1 | accuracy |
        |---|---|---|---|---|---|

        """
        for (c, s) in m.metrics.validationBySensors.sorted(by: { $0.key < $1.key }) { out += row(c, s) + "\n" }
        let weak = (m.metrics.validationByCondition.merging(m.metrics.validationBySensors) { a, _ in a })
            .filter { $0.value.ticks > 0 && $0.value.accuracy < 0.95 }.sorted { $0.value.accuracy < $1.value.accuracy }
        out += """

        ## Known failure modes

        - Trained on simulated rooms: real lighting, cameras, rooms and radar placement are untested.

        """
        for (c, s) in weak { out += "- \(c): \(String(format: "%.1f", 100 * (1 - s.accuracy))) % of validation ticks wrong.\n" }
        if weak.isEmpty { out += "- No validation condition or sensor subset is below 95 % of ticks right.\n" }
        out += """

        Held-out evaluation (the corpus of `Recordings/`, not used here): `make report`, and the note of the \
        issue that trained this model.
        """
        return out + "\n"
    }

    private var ordinal: String {
        let n = model.training.validationEvery
        let suffix = n % 10 == 2 && n % 100 != 12 ? "nd" : n % 10 == 3 && n % 100 != 13 ? "rd" : "th"
        return "\(n)\(suffix)"
    }

    private func row(_ name: String, _ s: ModelFile.Scores) -> String {
        func pct(_ v: Double) -> String { String(format: "%.3f", v) }
        return "| \(name) | \(s.ticks) | \(pct(s.precision)) | \(pct(s.recall)) | \(pct(s.f1)) | \(pct(s.accuracy)) |"
    }
}
