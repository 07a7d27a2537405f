import ArgumentParser
import Foundation
import PresenceFusion
import PresencePipeline
import PresenceService

struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the fusion model on labelled recordings; write the model file and its model card.",
        discussion: """
        Each file is replayed through the pipeline (as `replay` does, with the configured sensors) and every \
        100 ms tick's features are kept with the /labels/occupancy label in force. Every n-th recording by \
        name is set aside for validation (early stopping and the card's figures). The same files and seed \
        give the same model, byte for byte. Files without labels are skipped (said on stderr).
        The default model: make model (Recordings/training.tsv, models/default.model, models/README.md).
        """)

    @Argument(help: "Labelled recordings (.mcap).")
    var files: [String]

    @Option(help: "The model file to write (JSON).")
    var out: String

    @Option(help: "Model card to write (Markdown); by default README.md beside the model file. 'none' writes none.")
    var card: String?

    @Option(help: "Random seed: initial weights, batch order, sensor dropout.")
    var seed: UInt64 = 1

    @Option(help: "Largest number of passes over the data (early stopping usually ends sooner).")
    var epochs: Int = 200

    @Option(help: "Probability (0-0.9) with which each sensor is hidden from a training example, so that any subset of sensors works.")
    var modalityDropout: Float = MLPTrainer.Settings().modalityDropout

    @Option(help: "Every n-th recording by name is for validation (2 or more; more recordings than n needed).")
    var validationEvery: Int = 4

    @Option(help: "Configuration file (sensor sections narrow the modalities used).")
    var config: String?

    @Option(parsing: .upToNextOption,
            help: "Recordings (among the files) to learn from but never set aside for validation: data whose per-tick labels are too coarse to stop the training on (sounds played one at a time, labelled as a whole).")
    var trainOnly: [String] = []

    @Flag(help: "Print the loss of every epoch.")
    var verbose = false

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard validationEvery >= 2 else { throw ValidationError("--validation-every must be at least 2") }
        guard modalityDropout >= 0, modalityDropout <= 0.9 else { throw ValidationError("--modality-dropout must be within 0-0.9") }
        for path in trainOnly where !files.contains(path) {
            throw ValidationError("--train-only \(path) is not among the files to train on")
        }
    }

    func run() async throws {
        try await exitingOnError {
            var options = TrainingOptions(files: files, out: out)
            options.pipeline = (try config.map { path throws(ConfigError) in try ConfigLoader.load(path: path) } ?? PresenceConfig()).pipelineSettings
            options.settings.seed = seed
            options.settings.maxEpochs = epochs
            options.settings.validationEvery = validationEvery
            options.settings.modalityDropout = modalityDropout
            options.trainOnly = Set(trainOnly)
            switch card {
            case "none": options.card = nil
            case let path?: options.card = path
            case nil: options.card = ((out as NSString).deletingLastPathComponent as NSString).appendingPathComponent("README.md")
            }
            let verbose = self.verbose
            let model = try TrainingRun.run(options) { line in
                if verbose || !line.hasPrefix("epoch ") { printError("presenced: \(line)") }
            }
            let v = model.metrics.validation
            print("""
                \(out): \(model.training.data.count) recordings, best epoch \(model.training.bestEpoch) of \(model.training.epochs); \
                validation ticks \(v.ticks): precision \(String(format: "%.3f", v.precision)), recall \(String(format: "%.3f", v.recall)), \
                F1 \(String(format: "%.3f", v.f1))
                """)
            if let card = options.card { print("model card: \(card)") }
        }
    }
}
