import PresenceCore
import PresencePipeline
import PresenceRecording

/// Replays a recording as if it were live sensors (`run` with `[replay]`):
/// at `speed` times real time, and with `loop` starting over at the end, each
/// pass re-based so that sample time never goes backwards (DESIGN.md §4).
final class ReplaySource: SampleSource {
    let path: String
    let loop: Bool
    let sensors: Set<SensorKind>
    private var reader: RecordingReader
    private var pacer: ReplayPacer
    /// Added to every sample time of the current pass.
    private var offset: Int64 = 0
    private var firstOfPass: Int64?
    private var lastDelivered: Int64?

    /// Opens the file and works out which modalities it carries (narrowed by `configured`, if any).
    init(path: String, loop: Bool, speed: Double, configured: Set<SensorKind>) throws {
        self.path = path
        self.loop = loop
        (reader, sensors) = try Replay.open(path, configured: configured)
        pacer = ReplayPacer(speed: speed)
    }

    var summary: String { "replaying \(path)" }

    func close() {}

    /// A recording loses nothing on the way in.
    var dropped: SourceDrops { SourceDrops() }

    /// The next sample, after waiting until it is due; nil at the end (without loop) or when stopped.
    func next(shouldStop: () -> Bool) throws -> SourceItem? {
        while !shouldStop() {
            guard let message = try reader.next() else {
                guard loop, let last = lastDelivered, let first = firstOfPass else { return nil }
                // Start the next pass one tick after the last sample of this one.
                offset = last + 100 * Nanos.perMillisecond - (first - offset)
                firstOfPass = nil
                reader = try RecordingReader(path: path)
                continue
            }
            guard case .sample(var sample) = message.content, sensors.contains(sample.sensor) else { continue }
            if firstOfPass == nil { firstOfPass = sample.t + offset }
            sample.t += offset
            pacer.wait(until: sample.t, shouldStop: shouldStop)
            lastDelivered = max(lastDelivered ?? sample.t, sample.t)
            return .sample(sample, delay: pacer.lateness(of: sample.t))
        }
        return nil
    }
}
