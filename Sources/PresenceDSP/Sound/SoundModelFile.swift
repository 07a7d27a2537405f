import Foundation
import PresenceCore

/// The sound classifier as stored (`models/sound.model`, JSON, written by `make sound-model`:
/// scripts/sound/train.py): the front end it was trained with, its classes, its layers and what it was
/// trained on. Only what the daemon needs is decoded; the rest of the file (training data, dev figures)
/// is for people and the model card (models/SOUND.md). The daemon runs the copy built into the binary;
/// there is no configuration key for another one yet.
public struct SoundModelFile: Sendable, Codable, Equatable {
    public static let format = "presenced-sound-cnn"
    public static let formatVersion = 1

    /// The log-mel front end the network expects: AudioFeatureExtractor's windows and mel bands.
    public struct Frontend: Sendable, Codable, Equatable {
        public var sampleRate: Int
        public var window: Int
        public var hop: Int
        public var bands: Int
        public var lowHz: Double
        public var highHz: Double
        public var patchFrames: Int
        /// The patch is made relative to its loudest value, clipped this far below it (dB) ...
        public var floorDB: Float
        /// ... and divided by this.
        public var scale: Float
    }

    public enum LayerType: String, Sendable, Codable {
        case conv3x3, maxpool2, mean, dense
    }

    public struct Layer: Sendable, Codable, Equatable {
        public var type: LayerType
        public var inputs: Int?
        public var outputs: Int?
        /// conv3x3: outputs × inputs × 3 × 3; dense: outputs × inputs; row-major.
        public var weights: [Float]?
        public var bias: [Float]?
        public var activation: String?
    }

    public var format: String
    public var formatVersion: Int
    public var frontend: Frontend
    public var classes: [String]
    public var personClasses: [String]
    public var layers: [Layer]

    /// The network, after checking the file is one this build can run: the front end is the extractor's,
    /// the layers chain, every weight is finite.
    public func network(int8: Bool = false) throws(SoundModelError) -> SoundNetwork {
        guard format == Self.format else { throw .invalid("format is \"\(format)\", expected \"\(Self.format)\"") }
        guard formatVersion == Self.formatVersion else {
            throw .invalid("format version \(formatVersion); this build reads version \(Self.formatVersion)")
        }
        let f = frontend
        guard f.sampleRate == 16000, f.window == 512, f.hop == 256, f.bands == Feature.melBands,
              f.lowHz == 60, f.highHz == 7600, f.patchFrames > 0, f.floorDB < 0, f.scale > 0 else {
            throw .invalid("front end \(f) is not this build's (16 kHz, 512-sample windows, hop 256, 32 mel bands 60-7600 Hz)")
        }
        guard classes == Feature.soundClasses else {
            throw .invalid("classes \(classes); this build's features are \(Feature.soundClasses), in that order")
        }
        guard Set(personClasses).isSubset(of: classes) else {
            throw .invalid("person classes \(personClasses) must be among the classes \(classes)")
        }
        return try SoundNetwork(frontend: f, layers: layers, classes: classes.count, int8: int8)
    }

    /// The sound model built into the binary (models/sound.model, embedded at build time by Plugins/EmbedModel).
    public static let builtin: SoundModelFile = {
        do {
            return try decode(Data(builtinJSON.utf8), name: "the built-in sound model")
        } catch {
            // A test loads it on every build: a broken embedded model never ships.
            fatalError("\(error)")
        }
    }()

    static func decode(_ data: Data, name: String) throws(SoundModelError) -> SoundModelFile {
        let file: SoundModelFile
        do {
            file = try JSONDecoder().decode(SoundModelFile.self, from: data)
        } catch {
            throw .invalid("\(name): not a presenced sound model (\(error))")
        }
        do {
            _ = try file.network()
        } catch {
            throw .invalid("\(name): \(error)")
        }
        return file
    }
}

/// Why a sound model cannot be used.
public enum SoundModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let m): m
        }
    }
}
