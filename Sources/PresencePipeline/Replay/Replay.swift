import Foundation
import PresenceCore
import PresenceFusion
import PresenceRecording

/// `presenced replay`: each file is a fresh run of the pipeline (tracker reset),
/// `seq` continues across files, events go out as JSON lines (DESIGN.md §4).
public struct ReplayOptions: Sendable {
    public var files: [String]
    public var settings = PipelineSettings()
    /// The fusion step (the configured model, or the one built into the binary).
    public var classifier: any OccupancyClassifier
    /// nil replays as fast as possible; otherwise a multiple of real time.
    public var speed: Double?
    public var dumpMasksDir: String?
    public var featuresCSV: String?
    public var lenient = false

    public init(files: [String], classifier: any OccupancyClassifier) {
        self.files = files
        self.classifier = classifier
    }
}

public enum Replay {
    /// The topics that carry each modality (DESIGN.md §3).
    public static func sensor(forTopic topic: String) -> SensorKind? {
        switch topic {
        case "/camera/image": .camera
        case "/audio": .audio
        case "/radar/ld2410", "/radar/ld2450": .radar
        default: nil
        }
    }

    /// The modalities the pipeline should expect from a recording: those it has
    /// topics for, narrowed to the configured sensors when any are configured.
    public static func expectedSensors(topics: Set<String>, config configured: Set<SensorKind>) -> Set<SensorKind> {
        let inFile = Set(topics.compactMap(sensor(forTopic:)))
        return configured.isEmpty ? inFile : inFile.intersection(configured)
    }

    /// Opens a recording and works out which modalities to replay from it; one without any sensor topic is bad input.
    public static func open(_ path: String, configured: Set<SensorKind>, lenient: Bool = false) throws -> (RecordingReader, Set<SensorKind>) {
        let reader = try RecordingReader(path: path, lenient: lenient)
        let sensors = expectedSensors(topics: reader.topics, config: configured)
        guard !sensors.isEmpty else {
            let what = configured.isEmpty ? "no sensor topic" : "no topic of the configured sensors"
            throw ReplayError(exitCode: .dataError, description: "\(path): \(what) (/camera/image, /audio, /radar/ld2410, /radar/ld2450) in the recording")
        }
        return (reader, sensors)
    }

    /// One recording through a fresh pipeline (tracker reset), the loop `replay` and `eval` share.
    /// `events` gets each batch of events as the ticks decide them, `label` every label; returns what
    /// `--lenient` skipped, if anything.
    static func pass(_ path: String, settings: PipelineSettings, classifier: any OccupancyClassifier,
                     lenient: Bool, speed: Double? = nil,
                     setUp: (Pipeline) -> Void = { _ in }, events: ([PresenceEvent]) -> Void,
                     label: (Int64, OccupancyLabel) -> Void = { _, _ in }) throws -> String? {
        let (reader, expected) = try open(path, configured: settings.sensors, lenient: lenient)
        let pipeline = Pipeline(options: Pipeline.Options(tracker: settings.tracker, expectedSensors: expected,
                                                          radarCalibration: settings.radarCalibration),
                                classifier: classifier)
        setUp(pipeline)
        var pacer = speed.map { ReplayPacer(speed: $0) }
        var batch: [PresenceEvent] = []
        func flush() {
            guard !batch.isEmpty else { return }
            events(batch)
            batch.removeAll(keepingCapacity: true)
        }
        while let message = try reader.next() {
            switch message.content {
            case .sample(let sample) where expected.contains(sample.sensor):
                pacer?.wait(until: sample.t)
                pipeline.ingest(sample, events: &batch)
                flush()
            case .label(let l):
                label(message.logTime, l)
            default:
                continue
            }
        }
        pipeline.finish(events: &batch)
        flush()
        return reader.skippedDamage
    }

    /// Replays `options.files`; `emit` gets each event line, `warn` what `--lenient` skipped.
    public static func run(_ options: ReplayOptions, emit: (String) -> Void, warn: (String) -> Void = { _ in }) throws {
        var seq: UInt64 = 0
        let masks = try options.dumpMasksDir.map { try MaskDumper(directory: $0) }
        let features = try options.featuresCSV.map { try FeatureCSVWriter(path: $0) }
        defer { features?.close() }
        for path in options.files {
            let damage = try pass(path, settings: options.settings, classifier: options.classifier, lenient: options.lenient,
                                  speed: options.speed, setUp: { pipeline in
                if let masks { pipeline.maskSink = { frame, mask in masks.write(frame: frame, mask: mask) } }
                if let features { pipeline.tickSink = { features.write($0) } }
            }, events: { batch in
                for e in batch {
                    seq += 1
                    emit(e.jsonLine(seq: seq))
                }
            })
            if let damage { warn("\(path): skipped damaged data (--lenient): \(damage)") }
            if let error = masks?.failure { throw error }
        }
    }
}
