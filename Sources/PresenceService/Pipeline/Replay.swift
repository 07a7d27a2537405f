import Foundation
import PresenceCore
import PresenceFusion
import PresenceRecording

/// `presenced replay`: each file is a fresh run of the pipeline (tracker reset),
/// `seq` continues across files, events go out as JSON lines (DESIGN.md §4).
public struct ReplayOptions: Sendable {
    public var files: [String]
    public var config = PresenceConfig()
    /// nil replays as fast as possible; otherwise a multiple of real time.
    public var speed: Double?
    public var dumpMasksDir: String?
    public var featuresCSV: String?
    public var lenient = false

    public init(files: [String]) { self.files = files }
}

public enum Replay {
    /// The topics that carry each modality (DESIGN.md §3).
    static func sensor(forTopic topic: String) -> SensorKind? {
        switch topic {
        case "/camera/image": .camera
        case "/audio": .audio
        case "/radar/ld2410", "/radar/ld2450": .radar
        default: nil
        }
    }

    /// The modalities the pipeline should expect from a recording: those it has
    /// topics for, narrowed to the configured sensors when any are configured.
    static func expectedSensors(topics: Set<String>, config configured: Set<SensorKind>) -> Set<SensorKind> {
        let inFile = Set(topics.compactMap(sensor(forTopic:)))
        return configured.isEmpty ? inFile : inFile.intersection(configured)
    }

    /// Replays `options.files`; `emit` gets each event line, `warn` what `--lenient` skipped.
    public static func run(_ options: ReplayOptions, emit: (String) -> Void, warn: (String) -> Void = { _ in }) throws {
        var seq: UInt64 = 0
        let masks = try options.dumpMasksDir.map { try MaskDumper(directory: $0) }
        let features = try options.featuresCSV.map { try FeatureCSVWriter(path: $0) }
        defer { features?.close() }
        let classifier = try options.config.classifier()
        for path in options.files {
            let reader = try RecordingReader(path: path, lenient: options.lenient)
            let expected = expectedSensors(topics: reader.topics, config: options.config.configuredSensors)
            guard !reader.topics.compactMap(sensor(forTopic:)).isEmpty else {
                throw ReplayError(exitCode: .dataError, description: "\(path): no sensor topic (/camera/image, /audio, /radar/ld2410, /radar/ld2450) in the recording")
            }
            let pipeline = Pipeline(options: Pipeline.Options(tracker: options.config.fusion.trackerParameters,
                                                              expectedSensors: expected), classifier: classifier)
            if let masks { pipeline.maskSink = { frame, mask in masks.write(frame: frame, mask: mask) } }
            if let features { pipeline.tickSink = { features.write($0) } }
            var pacer = options.speed.map { ReplayPacer(speed: $0) }
            var events: [PresenceEvent] = []
            func flush() {
                for e in events {
                    seq += 1
                    emit(e.jsonLine(seq: seq))
                }
                events.removeAll(keepingCapacity: true)
            }
            while let message = try reader.next() {
                guard case .sample(let sample) = message.content, expected.contains(sample.sensor) else { continue }
                pacer?.wait(until: sample.t)
                pipeline.ingest(sample, events: &events)
                flush()
            }
            pipeline.finish(events: &events)
            flush()
            if let damage = reader.skippedDamage { warn("\(path): skipped damaged data (--lenient): \(damage)") }
            if let error = masks?.failure { throw error }
        }
    }
}
