import Foundation
import Logging
import PresenceCore
import PresenceRecording

/// Writes flight-recorder clips to `[recording] dir` on a thread of its own, so
/// that disk I/O never stalls the pipeline. At most `queueLimit` clips wait; a
/// clip that finds the queue full is dropped and logged. Only the newest
/// `maxClips` clip files are kept, so months of running cannot fill the disk.
/// A clip the disk refuses (full, read-only) is logged and counted; what of it
/// reached the disk stays readable, and the daemon carries on.
final class ClipWriter: @unchecked Sendable {
    static let queueLimit = 2

    private let directory: String
    private let maxClips: Int
    private let metadata: [String: String]
    private let logger: Logger
    private let metrics: PresenceMetrics
    // Guarded by `condition`.
    private let condition = MonotonicCondition()
    private var queue: [FlightRecorder.Clip] = []
    private var writing = false
    private var stopping = false

    /// Creates the directory if needed; a directory that cannot be made is a configuration error.
    init(directory: String, maxClips: Int, metadata: [String: String], configFile: String, metrics: PresenceMetrics, logger: Logger) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigError(file: configFile, key: "recording.dir", message: "expected a directory presenced can write, got \"\(directory)\": \(error.localizedDescription)")
        }
        self.directory = directory
        self.maxClips = maxClips
        self.metadata = metadata
        self.logger = logger
        self.metrics = metrics
        let thread = Thread { [self] in loop() }
        thread.name = "presenced-clips"
        thread.start()
    }

    func submit(_ clip: FlightRecorder.Clip) {
        condition.lock()
        defer { condition.unlock() }
        guard queue.count < Self.queueLimit else {
            metrics.clipsDropped.increment()
            logger.warning("flight recorder: clip dropped, the disk is not keeping up", metadata: ["trigger": "\(Nanos.rfc3339(clip.trigger.t))"])
            return
        }
        queue.append(clip)
        condition.signal()
    }

    /// Finishes the queued clips, waiting at most `timeout` seconds; returns false when time ran out.
    @discardableResult
    func stop(timeout: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        let deadline = MonotonicCondition.deadline(in: timeout)
        while !queue.isEmpty || writing {
            guard condition.wait(untilMonotonic: deadline) else { return false }
        }
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty, !stopping { condition.wait() }
            guard !queue.isEmpty else {
                condition.unlock()
                return
            }
            let clip = queue.removeFirst()
            writing = true
            condition.unlock()
            write(clip)
            condition.lock()
            writing = false
            condition.broadcast()
            condition.unlock()
        }
    }

    /// `clip-2026-11-23T06-00-10.400Z-occupied.mcap` (or `-labelled-empty.mcap`): sorts by time, no colons.
    static func fileName(_ clip: FlightRecorder.Clip) -> String {
        "clip-\(Nanos.rfc3339(clip.trigger.t).replacingOccurrences(of: ":", with: "-"))-\(clip.trigger.what).mcap"
    }

    private func write(_ clip: FlightRecorder.Clip) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName(clip))
        let part = path + ".part"
        do {
            var facts = metadata
            facts["scene"] = "flight-recorder clip"
            facts["trigger"] = "\(clip.trigger.what) at \(Nanos.rfc3339(clip.trigger.t)) (log_time \(clip.trigger.t))"
            let writer = try RecordingWriter(path: part, metadata: facts)
            var e = 0, l = 0
            // Events and labels in time order among the samples (a label from the live page: ready for
            // `presenced train`, which counts the ticks from the first label on).
            func upTo(_ t: Int64) throws {
                while e < clip.events.count, clip.events[e].t <= t {
                    try writer.writeEvent(t: clip.events[e].t, json: clip.events[e].json)
                    e += 1
                }
                while l < clip.labels.count, clip.labels[l].t <= t {
                    try writer.writeLabel(t: clip.labels[l].t, occupied: clip.labels[l].occupied, count: nil, condition: "live-page")
                    l += 1
                }
            }
            for sample in clip.samples {
                try upTo(sample.t)
                try writer.write(sample)
            }
            try upTo(.max)
            try writer.finish()
            guard rename(part, path) == 0 else { throw RecordingError.io("\(path): \(String(cString: strerror(errno)))") }
            metrics.clipsWritten.increment()
            logger.info("flight recorder: clip written", metadata: ["file": "\(path)", "seconds": "\(Nanos.toSeconds(clip.end - clip.start))"])
            prune()
        } catch {
            // Whatever reached the disk stays readable (presenced repair completes it).
            metrics.clipsFailed.increment()
            logger.error("flight recorder: clip not written", metadata: ["file": "\(part)", "error": "\(error)"])
        }
    }

    /// Deletes the oldest clips beyond `maxClips`.
    private func prune() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let clips = names.filter { $0.hasPrefix("clip-") && $0.hasSuffix(".mcap") }.sorted()
        for old in clips.dropLast(maxClips) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(old))
        }
    }
}
