import Foundation
import PresenceCore

/// A trained model as stored (`models/default.model`, JSON): the feature spec it
/// was made for, the normalisation, the weights, what it was trained on (each
/// file with its size and CRC-32) and how well it did. Everything needed to
/// run it, judge it and make it again.
public struct ModelFile: Sendable, Codable, Equatable {
    public static let format = "presenced-mlp"
    public static let formatVersion = 1

    public struct Spec: Sendable, Codable, Equatable {
        public var version: Int
        public var hash: String
        public var inputs: [String]

        public static var current: Spec { Spec(version: FeatureSpec.version, hash: FeatureSpec.hash, inputs: FeatureSpec.inputNames) }
    }

    public struct Normalisation: Sendable, Codable, Equatable {
        /// Per feature (not the presence bits): the training data's mean and standard deviation, over the
        /// ticks where the feature's modality was present.
        public var mean: [Float]
        public var std: [Float]
    }

    public struct Layer: Sendable, Codable, Equatable {
        public var inputs: Int
        public var outputs: Int
        public var activation: MLP.Activation
        public var weights: [Float]
        public var bias: [Float]
    }

    public struct TrainingFile: Sendable, Codable, Equatable {
        public var file: String
        public var bytes: UInt64
        public var crc32: String
        public var ticks: Int
        /// "train" or "validation".
        public var split: String

        public init(file: String, bytes: UInt64, crc32: String, ticks: Int, split: String) {
            (self.file, self.bytes, self.crc32, self.ticks, self.split) = (file, bytes, crc32, ticks, split)
        }
    }

    public struct Training: Sendable, Codable, Equatable {
        public var seed: UInt64
        public var hidden: [Int]
        public var learningRate: Float
        public var batchSize: Int
        public var modalityDropout: Float
        public var maxEpochs: Int
        public var patience: Int
        /// Every n-th recording by name was for validation.
        public var validationEvery: Int
        public var epochs: Int
        public var bestEpoch: Int
        /// Class weights (occupied, empty) that balance the two in the loss.
        public var classWeights: [Float]
        public var data: [TrainingFile]

        public init(seed: UInt64, hidden: [Int], learningRate: Float, batchSize: Int, modalityDropout: Float, maxEpochs: Int,
                    patience: Int, validationEvery: Int, epochs: Int, bestEpoch: Int, classWeights: [Float], data: [TrainingFile]) {
            self.validationEvery = validationEvery
            (self.seed, self.hidden, self.learningRate, self.batchSize, self.modalityDropout) = (seed, hidden, learningRate, batchSize, modalityDropout)
            (self.maxEpochs, self.patience, self.epochs, self.bestEpoch, self.classWeights, self.data) = (maxEpochs, patience, epochs, bestEpoch, classWeights, data)
        }
    }

    public struct Scores: Sendable, Codable, Equatable {
        public var ticks: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var accuracy: Double
        public var loss: Double

        public init(ticks: Int, precision: Double, recall: Double, f1: Double, accuracy: Double, loss: Double) {
            (self.ticks, self.precision, self.recall, self.f1, self.accuracy, self.loss) = (ticks, precision, recall, f1, accuracy, loss)
        }
    }

    public struct Metrics: Sendable, Codable, Equatable {
        public var train: Scores
        public var validation: Scores
        /// Validation ticks by label condition.
        public var validationByCondition: [String: Scores]
        /// Validation ticks with only one modality's data, and with each one removed.
        public var validationBySensors: [String: Scores]
    }

    public var format = ModelFile.format
    public var formatVersion = ModelFile.formatVersion
    public var name: String
    public var spec: Spec
    public var normalisation: Normalisation
    public var layers: [Layer]
    public var training: Training
    public var metrics: Metrics

    public init(name: String, spec: Spec, normalisation: Normalisation, layers: [Layer], training: Training, metrics: Metrics) {
        (self.name, self.spec, self.normalisation, self.layers, self.training, self.metrics) = (name, spec, normalisation, layers, training, metrics)
    }

    /// The network, after checking that this file fits this build's feature spec and is whole.
    public func network() throws(ModelError) -> MLP {
        guard format == Self.format else { throw .invalid("format is \"\(format)\", expected \"\(Self.format)\"") }
        guard formatVersion == Self.formatVersion else {
            throw .invalid("format version \(formatVersion); this build reads version \(Self.formatVersion)")
        }
        guard spec.hash == FeatureSpec.hash, spec.inputs == FeatureSpec.inputNames else {
            throw .incompatible("made for feature spec v\(spec.version) (\(spec.hash)); this build computes v\(FeatureSpec.version) (\(FeatureSpec.hash)): train it again with this build")
        }
        let n = FeatureSpec.featureCount
        guard normalisation.mean.count == n, normalisation.std.count == n,
              normalisation.mean.allSatisfy(\.isFinite), normalisation.std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalid("normalisation needs \(n) finite means and positive standard deviations")
        }
        guard let first = layers.first, first.inputs == FeatureSpec.inputCount, layers.last?.outputs == 1 else {
            throw .invalid("the layers must take \(FeatureSpec.inputCount) inputs and end in 1 output")
        }
        for (a, b) in zip(layers, layers.dropFirst()) where a.outputs != b.inputs {
            throw .invalid("layer of \(a.outputs) outputs feeds one of \(b.inputs) inputs")
        }
        for l in layers where l.weights.count != l.inputs * l.outputs || l.bias.count != l.outputs
            || !l.weights.allSatisfy(\.isFinite) || !l.bias.allSatisfy(\.isFinite) {
            throw .invalid("a \(l.inputs)x\(l.outputs) layer needs \(l.inputs * l.outputs) finite weights and \(l.outputs) biases")
        }
        return MLP(layers: layers.map { MLP.Layer(inputs: $0.inputs, outputs: $0.outputs, weights: $0.weights, bias: $0.bias, activation: $0.activation) })
    }

    /// The default model built into the binary (models/default.model, embedded at build time by Plugins/EmbedModel).
    public static let builtin: ModelFile = {
        do {
            return try decode(Data(builtinJSON.utf8), name: "the built-in model")
        } catch {
            // A test loads it on every build: a broken embedded model never ships.
            fatalError("\(error)")
        }
    }()

    public static func load(path: String) throws(ModelError) -> ModelFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable("\(path): \((error as NSError).localizedDescription)")
        }
        return try decode(data, name: path)
    }

    static func decode(_ data: Data, name: String) throws(ModelError) -> ModelFile {
        let file: ModelFile
        do {
            file = try JSONDecoder().decode(ModelFile.self, from: data)
        } catch {
            throw .invalid("\(name): not a presenced model file (\(Self.describe(error)))")
        }
        do {
            _ = try file.network()
        } catch {
            throw error.inFile(name)
        }
        return file
    }

    /// JSON with sorted keys and one value per line where it helps diffs: the same model, the same bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let c): "missing \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        default: "\(error)"
        }
    }
}

/// Why a model file cannot be used.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Missing or unreadable file.
    case unreadable(String)
    /// Not a model file, or a damaged one.
    case invalid(String)
    /// A model for another feature spec.
    case incompatible(String)

    public var description: String {
        switch self {
        case .unreadable(let m), .invalid(let m), .incompatible(let m): m
        }
    }

    func inFile(_ path: String) -> ModelError {
        switch self {
        case .unreadable(let m): .unreadable(m)
        case .invalid(let m): .invalid("\(path): \(m)")
        case .incompatible(let m): .incompatible("\(path): \(m)")
        }
    }
}
