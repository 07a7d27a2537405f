import Foundation
import PresenceCore
import PresencePipeline
import PresenceRecording

/// `presenced record`: the configured devices (or a `[replay]` file) written
/// to MCAP as their samples arrive, with the events the pipeline publishes on
/// them (device failures included). Crash-safe: a complete chunk reaches the disk
/// (fsync) at least once a second, so `kill -9` or a power loss keeps every
/// chunk but the open one; a full disk stops the recording with what was
/// written kept.
public struct RecordOptions: Sendable {
    public var config: PresenceConfig
    public var output: String
    /// Sample time to record; nil records until stopped (or until a replay source ends).
    public var duration: Int64?
    /// Scene facts for the `presenced` metadata record.
    public var scene = ""
    public var room = ""

    public init(config: PresenceConfig, output: String) {
        self.config = config
        self.output = output
    }
}

public struct RecordSummary: Sendable {
    public var seconds: Double
    public var samples: [SensorKind: Int]
    public var events: Int
}

public enum RecordSession {
    /// How often the open chunk is written out, at the latest (wall clock).
    static let flushInterval: UInt64 = 1_000_000_000

    /// `notice`: what a device has to say (a fallback it took), for the user.
    public static func run(_ options: RecordOptions, notice: (String) -> Void = { _ in },
                           shouldStop: @escaping () -> Bool) throws -> RecordSummary {
        let config = options.config
        guard !FileManager.default.fileExists(atPath: options.output) else {
            throw ReplayError(exitCode: .usage, description: "\(options.output) exists: recordings are never overwritten; choose another name")
        }
        let source = try config.makeSource()
        defer { source.close() }
        let writer = try RecordingWriter(path: options.output, metadata: [
            "scene": options.scene, "room": options.room,
            "devices": source.sensors.sorted().map(\.rawValue).joined(separator: ","),
            "source": config.replay?.file ?? source.summary, "recorded_by": "presenced \(Daemon.version)",
        ], durable: true)
        let pipeline = Pipeline(options: Pipeline.Options(tracker: config.fusion.trackerParameters, expectedSensors: source.sensors,
                                                          radarCalibration: config.radar?.calibrationFile?.calibration),
                                classifier: try config.classifier())

        var summary = RecordSummary(seconds: 0, samples: [:], events: 0)
        var first: Int64?, last: Int64 = 0
        var events: [PresenceEvent] = []
        var lastFlush = DispatchTime.now().uptimeNanoseconds
        var writeFailure: Error?
        /// Runs a write; a failure (a full disk) ends the recording.
        func writing(_ body: () throws -> Void) -> Bool {
            do { try body() } catch { writeFailure = error }
            return writeFailure == nil
        }
        // Also called while the source waits for its next sample, so a quiet sensor still gets its data on disk.
        func flushIfDue() -> Bool {
            let now = DispatchTime.now().uptimeNanoseconds
            guard writeFailure == nil, now - lastFlush >= flushInterval else { return writeFailure == nil }
            lastFlush = now
            return writing { try writer.flush() }
        }
        func writeEvents() -> Bool {
            defer { events.removeAll(keepingCapacity: true) }
            for e in events {
                summary.events += 1
                guard writing({ try writer.writeEvent(t: e.t, json: e.jsonLine(seq: UInt64(summary.events))) }) else { return false }
            }
            return true
        }
        recording: while let item = try source.next(shouldStop: { !flushIfDue() || shouldStop() }) {
            guard writeFailure == nil else { break }
            switch item {
            case .sample(let sample, _):
                let start = first ?? sample.t
                first = start
                if let d = options.duration, sample.t - start >= d { break recording }
                guard writing({ try writer.write(sample) }) else { break recording }
                last = max(last, sample.t)
                summary.samples[sample.sensor, default: 0] += 1
            case .idle(let t):
                // Live time passes without samples too: a recording of absent devices still ends.
                let start = first ?? t
                first = start
                if let d = options.duration, t - start >= d { break recording }
            case .notice(let sensor, let text):
                notice("\(sensor.rawValue): \(text)")
            case .lost, .resumed:
                break
            }
            pipeline.take(item, events: &events)
            guard writeEvents() else { break }
            _ = flushIfDue()
        }
        summary.seconds = Nanos.toSeconds(last - (first ?? last))
        if writeFailure == nil { _ = writing { try writer.finish() } }
        if let writeFailure {
            throw ReplayError(exitCode: .ioError, description: "\(writeFailure); the recording stopped after \(String(format: "%.1f", summary.seconds)) s: "
                + "every chunk written until then is kept (presenced repair \(options.output) completes the file when there is room)")
        }
        return summary
    }
}
