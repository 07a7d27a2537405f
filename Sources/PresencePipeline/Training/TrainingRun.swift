import Foundation
import PresenceCore
import PresenceFusion
import PresenceRecording

/// `presenced train`: replays labelled recordings through the pipeline (the
/// configured sensors, as `replay` does), keeps each tick's features with the
/// label in force, trains the fusion MLP, and writes the model file and its
/// model card.
public struct TrainingOptions: Sendable {
    public var files: [String]
    public var out: String
    /// Where the model card goes; nil: none.
    public var card: String?
    /// The sensors and tracker of the replay (the features do not depend on the model).
    public var pipeline = PipelineSettings()
    public var settings = MLPTrainer.Settings()
    public var lenient = false
    /// Files (among `files`) learnt from but never set aside for validation.
    public var trainOnly: Set<String> = []

    public init(files: [String], out: String) {
        self.files = files
        self.out = out
    }
}

public enum TrainingRun {
    /// Trains and writes the model (and the card); `say` hears progress and warnings.
    @discardableResult
    public static func run(_ options: TrainingOptions, say: @escaping (String) -> Void = { _ in }) throws -> ModelFile {
        var set = TrainingSet()
        var files: [ModelFile.TrainingFile] = []
        var conditions: [String: Double] = [:]
        var seconds = 0.0
        for path in options.files.sorted() {
            let labelled = try ticks(of: path, settings: options.pipeline, lenient: options.lenient, say: say)
            guard !labelled.isEmpty else {
                say("\(path): no /labels/occupancy: not used")
                continue
            }
            // The microphone alone answers by its sound classifier (MicrophoneAlone), never by the model.
            let examples = labelled.filter { $0.present != [.audio] }
            guard !examples.isEmpty else {
                say("\(path): sound only: not used (the microphone alone answers by its sound classifier)")
                continue
            }
            let digest = try FileDigest.crc32(path: path)
            set.add(recording: path, ticks: examples, trainOnly: options.trainOnly.contains(path))
            files.append(.init(file: path, bytes: digest.bytes, crc32: digest.crc32, ticks: examples.count, split: ""))
            let tick = Nanos.toSeconds(Pipeline.Options.defaultTickPeriod)
            for e in examples { conditions[e.condition ?? (e.occupied ? "occupied" : "empty"), default: 0] += tick }
            seconds += Double(examples.count) * tick
            say("\(path): \(examples.count) labelled ticks")
        }
        guard !set.examples.isEmpty else {
            throw ReplayError(exitCode: .dataError, description: "nothing to train on: no recording has /labels/occupancy and a camera or a radar")
        }
        var trainer = MLPTrainer(settings: options.settings)
        trainer.progress = say
        let result: MLPTrainer.Result
        do {
            result = try trainer.train(set)
        } catch {
            throw ReplayError(exitCode: .dataError, description: "cannot train: \(error)")
        }
        for i in files.indices {
            let index = set.recordings.firstIndex(of: files[i].file)!
            files[i].split = result.validation.contains(index) ? "validation" : "train"
        }
        let s = options.settings
        let name = ((options.out as NSString).lastPathComponent as NSString).deletingPathExtension
        let model = ModelFile(
            name: name, spec: .current, normalisation: result.normalisation, layers: result.layers,
            training: .init(seed: s.seed, hidden: s.hidden, learningRate: s.learningRate, batchSize: s.batchSize,
                            modalityDropout: s.modalityDropout, maxEpochs: s.maxEpochs, patience: s.patience, validationEvery: s.validationEvery,
                            epochs: result.epochs, bestEpoch: result.bestEpoch, classWeights: result.classWeights, data: files),
            metrics: result.metrics)
        try write(model.encoded(), to: options.out)
        if let card = options.card {
            try write(Data(ModelCard(model: model, modelPath: options.out, conditionSeconds: conditions, seconds: seconds).markdown.utf8), to: card)
        }
        return model
    }

    /// The labelled ticks of one recording: each tick with the label in force at its time.
    static func ticks(of path: String, settings: PipelineSettings, lenient: Bool, say: (String) -> Void) throws -> [TrainingSet.Example] {
        var ticks: [(t: Int64, features: [Float], present: SensorSet)] = []
        var labels: [(t: Int64, label: OccupancyLabel)] = []
        // Only the extractors' features are kept: the classifier the pass needs is not used.
        let damage = try Replay.pass(path, settings: settings, classifier: HeuristicFusion(), lenient: lenient, setUp: { pipeline in
            pipeline.tickSink = { tick in ticks.append((tick.features.t, tick.features.values, tick.features.present)) }
        }, events: { _ in }, label: { t, l in labels.append((t, l)) })
        if let damage { say("\(path): skipped damaged data (--lenient): \(damage)") }
        var out: [TrainingSet.Example] = []
        var next = 0
        var current: OccupancyLabel?
        for tick in ticks {
            while next < labels.count, labels[next].t <= tick.t {
                current = labels[next].label
                next += 1
            }
            guard let label = current, !tick.present.isEmpty else { continue }
            out.append(.init(features: tick.features, present: tick.present, occupied: label.occupied,
                             condition: label.condition, recording: 0))
        }
        return out
    }

    private static func write(_ data: Data, to path: String) throws {
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw ReplayError(exitCode: .ioError, description: "\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
