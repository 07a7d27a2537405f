import PresenceCore
import PresencePipeline

/// Where the pipeline's samples come from: a recording played as if live
/// (ReplaySource) or the devices themselves (LiveSource). `run` and `record`
/// drive either the same way.
protocol SampleSource: AnyObject {
    /// The modalities it delivers (or will, once their devices are there).
    var sensors: Set<SensorKind> { get }
    /// What it reads from, for logs and systemd's status line.
    var summary: String { get }
    /// The next thing that happened, after waiting as needed; nil at the end or once `shouldStop` says so.
    func next(shouldStop: () -> Bool) throws -> SourceItem?
    /// Releases devices and threads.
    func close()
    /// Samples lost before the pipeline since start (running totals).
    var dropped: SourceDrops { get }
}

/// Running totals of samples lost before the pipeline, per sensor: the capture rings overflowed because
/// the pipeline fell behind (ring_full), or the device lost them (overrun: ALSA overruns, frames the
/// camera driver skipped).
struct SourceDrops {
    var ringFull: [SensorKind: Int] = [:]
    var overrun: [SensorKind: Int] = [:]
}

enum SourceItem {
    /// A sample, and how long after its capture it is handed over (capture delay).
    case sample(Sample, delay: UInt64)
    /// A device failed or is missing, and why.
    case lost(SensorKind, reason: String, t: Int64)
    /// A lost device delivers data again (read after it was reopened).
    case resumed(SensorKind, t: Int64)
    /// Nothing arrived: sample time has reached `t` all the same (ticks must close without data).
    case idle(t: Int64)
    /// Worth a log line (a device fell back to a lesser mode).
    case notice(SensorKind, String)
}

extension Pipeline {
    /// Feeds what a source delivered: a sample, a device lost or back, time passing. (A notice is for the log.)
    func take(_ item: SourceItem, events: inout [PresenceEvent]) {
        switch item {
        case .sample(let sample, _): ingest(sample, events: &events)
        case .lost(let sensor, let reason, let t): sensorFailed(sensor, reason: reason, at: t, events: &events)
        case .resumed(let sensor, let t): sensorResumed(sensor, at: t, events: &events)
        case .idle(let t): advance(to: t, events: &events)
        case .notice: break
        }
    }
}
