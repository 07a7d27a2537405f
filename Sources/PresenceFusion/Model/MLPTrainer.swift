import Foundation
import PresenceCore

/// Trains the fusion MLP: weighted logistic loss (the two classes count equally
/// however unbalanced the ticks are), Adam, mini-batches in a seeded order,
/// modality dropout (each present modality is hidden from an example with some
/// probability, so that the model learns every subset of sensors: a device with
/// only a radar, a camera that failed), and early stopping on the validation
/// recordings' loss. The same data and seed give the same model, bit for bit:
/// one thread, a fixed order of every sum, SplitMix64 for every random choice.
public struct MLPTrainer {
    public struct Settings: Sendable, Equatable {
        public var seed: UInt64 = 1
        public var hidden = [32, 16]
        public var learningRate: Float = 0.002
        public var batchSize = 128
        public var modalityDropout: Float = 0.5
        public var maxEpochs = 200
        /// Epochs without a better validation loss before stopping.
        public var patience = 20
        /// Every n-th recording (by name) is for validation.
        public var validationEvery = 4

        public init() {}
    }

    public struct Result: Sendable {
        public var layers: [ModelFile.Layer]
        public var normalisation: ModelFile.Normalisation
        public var epochs: Int
        public var bestEpoch: Int
        public var classWeights: [Float]
        public var validation: Set<Int>
        public var metrics: ModelFile.Metrics
    }

    public let settings: Settings
    /// Progress, one line per epoch (for a person watching; not part of the result).
    public var progress: (String) -> Void = { _ in }

    public init(settings: Settings) { self.settings = settings }

    public func train(_ set: TrainingSet) throws(ModelError) -> Result {
        let validation = set.validationRecordings(every: settings.validationEvery)
        let train = set.examples.filter { !validation.contains($0.recording) }
        let held = set.examples.filter { validation.contains($0.recording) }
        let positives = train.filter(\.occupied).count
        guard positives > 0, positives < train.count else {
            throw .invalid("the training recordings need both occupied and empty labelled ticks (\(positives) of \(train.count) occupied)")
        }
        let normalisation = TrainingSet.normalisation(of: train)
        let prepared = Prepared(normalisation)
        // Each class weighs half of the loss.
        let weights = [Float(train.count) / Float(2 * positives), Float(train.count) / Float(2 * (train.count - positives))]

        var rng = SplitMix64(seed: settings.seed)
        var net = Network(sizes: [FeatureSpec.inputCount] + settings.hidden + [1], rng: &rng)
        var adam = Adam(like: net, rate: settings.learningRate)
        var best = (loss: Double.infinity, net: net, epoch: 0)
        var order = Array(train.indices)
        var epoch = 0
        var input = [Float](repeating: 0, count: FeatureSpec.inputCount)
        var grads = net.zeros()
        var work = net.workspace()
        while epoch < settings.maxEpochs, epoch - best.epoch <= settings.patience {
            epoch += 1
            shuffle(&order, &rng)
            var start = 0
            while start < order.count {
                let batch = order[start..<min(order.count, start + settings.batchSize)]
                grads.clear()
                for i in batch {
                    let e = train[i]
                    prepared.fill(e, present: dropout(e.present, &rng), into: &input)
                    net.accumulate(input, target: e.occupied ? 1 : 0, weight: weights[e.occupied ? 0 : 1], into: &grads, work: &work)
                }
                grads.scale(1 / Float(batch.count))
                adam.step(&net, grads)
                start += settings.batchSize
            }
            let loss = held.isEmpty ? Self.loss(net, train, prepared, weights) : Self.loss(net, held, prepared, weights)
            progress("epoch \(epoch): \(held.isEmpty ? "training" : "validation") loss \(String(format: "%.4f", loss))")
            if loss < best.loss - 1e-6 { best = (loss, net, epoch) }
        }
        net = best.net
        let metrics = ModelFile.Metrics(
            train: Self.scores(net, train, prepared, weights),
            validation: Self.scores(net, held, prepared, weights),
            validationByCondition: Dictionary(grouping: held) { $0.condition ?? ($0.occupied ? "occupied" : "empty") }
                .mapValues { Self.scores(net, $0, prepared, weights) },
            validationBySensors: Self.bySensors(net, held, prepared, weights))
        return Result(layers: net.layers(), normalisation: normalisation, epochs: epoch, bestEpoch: best.epoch,
                      classWeights: weights, validation: validation, metrics: metrics)
    }

    /// Each present modality is hidden with probability `modalityDropout`. A camera or a radar always stays
    /// when there was one: the microphone alone cannot tell a person sitting silently from an empty room,
    /// so an example reduced to sound would teach the model to guess from room tone. (Recordings that are
    /// sound only, with labels that sound can support, teach it the microphone alone.)
    private func dropout(_ present: SensorSet, _ rng: inout SplitMix64) -> SensorSet {
        guard settings.modalityDropout > 0, present.count > 1 else { return present }
        var kept = SensorSet()
        for s in present where Float(rng.next() >> 40) / Float(1 << 24) >= settings.modalityDropout { kept.insert(s) }
        if !kept.contains(.camera), !kept.contains(.radar) {
            let seeing = Array(present).filter { $0 != .audio }
            if !seeing.isEmpty { kept.insert(seeing[Int(rng.next() % UInt64(seeing.count))]) }
        }
        return kept
    }

    private func shuffle(_ a: inout [Int], _ rng: inout SplitMix64) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
    }

    // MARK: Scoring

    static func loss(_ net: Network, _ examples: [TrainingSet.Example], _ prepared: Prepared, _ weights: [Float]) -> Double {
        guard !examples.isEmpty else { return 0 }
        var input = [Float](repeating: 0, count: FeatureSpec.inputCount)
        var work = net.workspace()
        var total = 0.0
        for e in examples {
            prepared.fill(e, present: e.present, into: &input)
            let z = Double(net.logit(input, work: &work))
            // log(1 + e^-|z|) + max(z, 0) - z y: the logistic loss without overflow.
            let y = e.occupied ? 1.0 : 0.0
            total += Double(weights[e.occupied ? 0 : 1]) * (log1p(exp(-abs(z))) + max(z, 0) - z * y)
        }
        return total / Double(examples.count)
    }

    static func scores(_ net: Network, _ examples: [TrainingSet.Example], _ prepared: Prepared, _ weights: [Float],
                       present: (SensorSet) -> SensorSet = { $0 }) -> ModelFile.Scores {
        var input = [Float](repeating: 0, count: FeatureSpec.inputCount)
        var work = net.workspace()
        var c = Confusion()
        var used: [TrainingSet.Example] = []
        for e in examples {
            let p = present(e.present)
            guard !p.isEmpty else { continue }
            // The microphone alone answers by its sound classifier, as MLPFusion does (the loss is the model's).
            if p == [.audio] {
                let f = FeatureVector(t: 0, present: p, values: e.features)
                c.add(predicted: MicrophoneAlone.probability(f) >= 0.5, actual: e.occupied)
                continue
            }
            prepared.fill(e, present: p, into: &input)
            c.add(predicted: net.logit(input, work: &work) >= 0, actual: e.occupied)
            used.append(e)
        }
        return ModelFile.Scores(ticks: c.total, precision: c.precision ?? 0, recall: c.recall ?? 0, f1: c.f1 ?? 0,
                                accuracy: c.total > 0 ? Double(c.truePositives + c.trueNegatives) / Double(c.total) : 0,
                                loss: loss(net, used, prepared, weights))
    }

    /// Each modality alone, and each one removed, on the ticks where it was there to keep or remove.
    static func bySensors(_ net: Network, _ held: [TrainingSet.Example], _ prepared: Prepared, _ weights: [Float]) -> [String: ModelFile.Scores] {
        var out: [String: ModelFile.Scores] = [:]
        for s in SensorKind.allCases {
            let with = held.filter { $0.present.contains(s) }
            out["only \(s.rawValue)"] = scores(net, with, prepared, weights) { _ in [s] }
            out["without \(s.rawValue)"] = scores(net, with, prepared, weights) { var p = $0; p.remove(s); return p }
        }
        return out
    }
}

/// Example to model input, with the training data's normalisation.
struct Prepared {
    let mean: [Float]
    let scale: [Float]

    init(_ n: ModelFile.Normalisation) {
        mean = n.mean
        scale = n.std.map { 1 / $0 }
    }

    func fill(_ e: TrainingSet.Example, present: SensorSet, into input: inout [Float]) {
        let f = FeatureVector(t: 0, present: present, values: e.features)
        input.withUnsafeMutableBufferPointer { FeatureSpec.prepare(f, present: present, mean: mean, scale: scale, into: $0) }
    }
}
