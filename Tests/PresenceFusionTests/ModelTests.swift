import Foundation
import PresenceCore
import Testing
@testable import PresenceFusion

/// The trained fusion: inference against its scalar twin, the trainer's
/// determinism and skill on a small made-up room, model files and their errors.
@Suite struct ModelTests {
    /// A made-up room: the camera's foreground and the radar's still energy say "someone" (each alone is
    /// enough), the microphone's level is noise. Eight recordings of 300 ticks.
    static func room(seed: UInt64 = 7) -> TrainingSet {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Float { Float(rng.next() >> 40) / Float(1 << 24) }
        var set = TrainingSet()
        for r in 0..<8 {
            var ticks: [TrainingSet.Example] = []
            for i in 0..<300 {
                let occupied = (i / 50) % 2 == 1
                var f = [Float](repeating: 0, count: FeatureSpec.featureCount)
                f[Feature.cameraForeground.index] = occupied ? 0.02 + 0.05 * uniform() : 0.003 * uniform()
                f[Feature.radarStill.index] = occupied ? 40 + 30 * uniform() : 15 * uniform()
                f[Feature.audioLevel.index] = -60 + 30 * uniform()
                ticks.append(.init(features: f, present: .all, occupied: occupied, condition: occupied ? "still" : nil, recording: 0))
            }
            set.add(recording: "room-\(r).mcap", ticks: ticks)
        }
        return set
    }

    static func settings(seed: UInt64 = 1) -> MLPTrainer.Settings {
        var s = MLPTrainer.Settings()
        s.seed = seed
        s.maxEpochs = 12
        s.hidden = [8, 4]
        return s
    }

    @Test func trainingIsDeterministicAndLearns() throws {
        let a = try MLPTrainer(settings: Self.settings()).train(Self.room())
        let b = try MLPTrainer(settings: Self.settings()).train(Self.room())
        #expect(a.layers == b.layers && a.normalisation == b.normalisation && a.metrics == b.metrics)
        let c = try MLPTrainer(settings: Self.settings(seed: 2)).train(Self.room())
        #expect(a.layers != c.layers, "another seed, other weights")
        #expect(a.validation == [1, 5], "every 4th recording by name, from the second")
        #expect(a.metrics.validation.f1 > 0.95, "\(a.metrics.validation)")
        // Camera alone and radar alone each carry the room; the microphone alone cannot.
        #expect(a.metrics.validationBySensors["only camera"]!.f1 > 0.9)
        #expect(a.metrics.validationBySensors["only radar"]!.f1 > 0.9)
    }

    @Test func validationSplitTakesEachKindOfDeviceApart() {
        var set = Self.room()  // eight recordings with all three sensors
        let silence = [Float](repeating: 0, count: FeatureSpec.featureCount)
        for name in ["mic-a.mcap", "mic-b.mcap", "mic-c.mcap"] {
            set.add(recording: name, ticks: [.init(features: silence, present: [.audio], occupied: false, condition: nil, recording: 0)])
        }
        set.add(recording: "radar-only.mcap", ticks: [.init(features: silence, present: [.radar], occupied: false, condition: nil, recording: 0)])
        let names = set.validationRecordings(every: 4).map { set.recordings[$0] }.sorted()
        // The second of every four in each group; a lone radar-only recording stays in training.
        #expect(names == ["mic-b.mcap", "room-1.mcap", "room-5.mcap"])
    }

    /// Train-only recordings are learnt from and take no part in the split: the others are counted as if
    /// they were not there.
    @Test func trainOnlyRecordingsAreNeverSetAside() {
        var set = Self.room()
        let silence = [Float](repeating: 0, count: FeatureSpec.featureCount)
        for name in ["clips-a.mcap", "clips-b.mcap"] {
            set.add(recording: name, ticks: [.init(features: silence, present: [.audio], occupied: true, condition: nil, recording: 0)],
                    trainOnly: true)
        }
        for name in ["mic-a.mcap", "mic-b.mcap"] {
            set.add(recording: name, ticks: [.init(features: silence, present: [.audio], occupied: false, condition: nil, recording: 0)])
        }
        let names = set.validationRecordings(every: 4).map { set.recordings[$0] }.sorted()
        #expect(names == ["mic-b.mcap", "room-1.mcap", "room-5.mcap"])
        #expect(set.examples.filter { set.trainOnly.contains($0.recording) }.count == 2)
    }

    @Test func refusesDataWithoutBothClasses() {
        var set = TrainingSet()
        set.add(recording: "a", ticks: [.init(features: [Float](repeating: 0, count: FeatureSpec.featureCount), present: .all,
                                              occupied: true, condition: nil, recording: 0)])
        #expect(throws: ModelError.self) { try MLPTrainer(settings: Self.settings()).train(set) }
    }

    @Test func inferenceMatchesItsScalarTwin() throws {
        let r = try MLPTrainer(settings: Self.settings()).train(Self.room())
        let net = MLP(layers: r.layers.map { MLP.Layer(inputs: $0.inputs, outputs: $0.outputs, weights: $0.weights, bias: $0.bias, activation: $0.activation) })
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let input = (0..<FeatureSpec.inputCount).map { _ in Float(Int64(rng.next() % 2001) - 1000) / 100 }
            let (simd, scalar) = input.withUnsafeBufferPointer { (net.logit($0), net.logitScalar($0)) }
            #expect(simd == scalar)
        }
    }

    static func model() throws -> ModelFile {
        let r = try MLPTrainer(settings: Self.settings()).train(Self.room())
        let s = Self.settings()
        return ModelFile(name: "test", spec: .current, normalisation: r.normalisation, layers: r.layers,
                         training: .init(seed: s.seed, hidden: s.hidden, learningRate: s.learningRate, batchSize: s.batchSize,
                                         modalityDropout: s.modalityDropout, maxEpochs: s.maxEpochs, patience: s.patience,
                                         validationEvery: s.validationEvery, epochs: r.epochs, bestEpoch: r.bestEpoch,
                                         classWeights: r.classWeights, data: []),
                         metrics: r.metrics)
    }

    @Test func modelFilesRoundTripAndBadOnesAreRefused() throws {
        let model = try Self.model()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("presenced-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.model").path
        try model.encoded().write(to: URL(fileURLWithPath: path))
        #expect(try ModelFile.load(path: path) == model)
        #expect(try model.encoded() == ModelFile.load(path: path).encoded(), "the same model, the same bytes")

        #expect { try ModelFile.load(path: dir.appendingPathComponent("missing.model").path) } throws: {
            if case ModelError.unreadable(let m) = $0 { m.contains("missing.model") } else { false }
        }
        var other = model
        other.spec.hash = "fnv1a64:0000000000000000"
        #expect { try other.network() } throws: { if case ModelError.incompatible = $0 { true } else { false } }
        var cut = model
        cut.layers[0].weights.removeLast()
        #expect { try cut.network() } throws: { if case ModelError.invalid = $0 { true } else { false } }
        try Data("{\"format\": 3}".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try ModelFile.load(path: path) } throws: { "\($0)".contains("not a presenced model file") }
    }

    @Test func fusionGivesEachPresentSensorItsOwnScore() throws {
        let fusion = try MLPFusion(model: Self.model())
        var f = FeatureVector(t: 0, present: .all)
        f[.cameraForeground] = 0.05
        f[.radarStill] = 60
        let all = fusion.classify(f)
        #expect(all.probability > 0.9 && all.sources[.camera]! > 0.5 && all.sources[.radar]! > 0.5)
        f.present = [.audio]
        let audio = fusion.classify(f)
        #expect(audio.sources[.camera] == nil && audio.sources[.radar] == nil && audio.sources[.audio] == audio.probability)
        #expect(fusion.classify(FeatureVector(t: 0, present: [])).probability == 0)
    }

    /// The microphone alone answers by how much it hears a person (the sound classifier's speech and body
    /// classes), not through the model: a dog or rain however loud is no one, a quiet room is no one.
    @Test func theMicrophoneAloneAnswersByWhatItHears() throws {
        let fusion = try MLPFusion(model: Self.model())
        func heard(_ scores: [String: Float], present: SensorSet = [.audio]) -> FusionResult {
            var f = FeatureVector(t: 0, present: present)
            f[.audioLevel] = -20
            f[.audioAboveFloor] = 40
            for (name, p) in scores { f[.audioSound(Feature.soundClasses.firstIndex(of: name)!)] = p }
            return fusion.classify(f)
        }
        #expect(abs(heard(["speech": 0.7, "body": 0.2, "music": 0.1]).probability - 0.9) < 1e-6)
        #expect(heard(["animal": 0.9, "speech": 0.1]).probability < 0.2, "a dog")
        #expect(heard(["nature": 1]).probability == 0, "rain")
        #expect(heard([:]).probability == 0, "nothing over the floor: the classifier's scores are all 0")
        #expect(heard(["speech": 0.8, "body": 0.6]).probability == 1)
        // With the other sensors there, the microphone's own score is the same answer.
        let all = heard(["body": 0.75], present: .all)
        #expect(all.sources[.audio] == 0.75)
    }

    /// The model the binary carries is models/default.model, byte for byte, and it loads.
    @Test func theBuiltInModelIsTheShippedFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try String(contentsOf: root.appendingPathComponent("models/default.model"), encoding: .utf8)
        // Plugins/EmbedModel embeds the file at every build where it changed: nothing to run by hand.
        #expect(ModelFile.builtinJSON == shipped, "the build embedded another file than models/default.model")
        #expect(try ModelFile.builtin.network().inputCount == FeatureSpec.inputCount)
    }
}
