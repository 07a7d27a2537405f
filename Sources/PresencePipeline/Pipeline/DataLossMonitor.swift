import PresenceCore

/// When a sensor is `degraded` (DESIGN.md §4): it still delivers, but loses
/// some of its data on the way — radar frames that fail their checks (line
/// noise, a loose cable), ALSA overruns, frames the camera driver skipped,
/// samples dropped because the pipeline fell behind.
///
/// The rule, with hysteresis so that a sensor that keeps losing a little data
/// does not flap (README, "Watching the events"):
/// - any loss makes an `ok` sensor `degraded` at the tick it is seen; the reason
///   says what was lost, and how much in the last minute when there was more;
/// - a degraded sensor is `ok` again after a clean period: 5 s, doubled each time
///   it relapsed (turned degraded again within `relapseWindow` of its last
///   `ok`), at most `maxRecovery`;
/// - and never sooner than `minimumDegraded` after it turned degraded: at most
///   one `degraded`/`ok` pair per minute per sensor.
/// Every loss still counts in the metrics; only the events are calmed. A
/// sensor that is `lost` is not degraded: what it lost while lost is forgotten.
public struct DataLossMonitor {
    /// The first clean period after which a degraded sensor is `ok` again.
    public static let recovery: Int64 = 5 * Nanos.perSecond
    /// The longest clean period a sensor that keeps relapsing needs.
    public static let maxRecovery: Int64 = 5 * 60 * Nanos.perSecond
    /// A degraded sensor stays so at least this long.
    public static let minimumDegraded: Int64 = 60 * Nanos.perSecond
    /// Turning degraded again within this long after `ok` is a relapse (the next recovery is longer);
    /// a sensor clean this long after its `ok` starts afresh.
    public static let relapseWindow: Int64 = 10 * 60 * Nanos.perSecond

    public enum Kind: Hashable, CaseIterable, Sendable {
        /// Frames that failed their checks (the radar parsers' bad frames).
        case corrupt
        /// The device lost data itself: an ALSA overrun, frames the V4L2 driver skipped.
        case overrun
        /// The capture ring was full: the pipeline did not keep up.
        case ringFull
    }

    /// A change of a sensor's status that the losses call for, with its reason.
    public enum Change: Equatable, Sendable {
        case degraded(String)
        case recovered(String)
    }

    private struct SensorLosses {
        /// Losses since the last tick.
        var pending: [Kind: Int] = [:]
        /// Losses of each of the last 60 seconds of sample time (second number, count), a ring.
        var perSecond = [(second: Int64, count: Int)](repeating: (.min, 0), count: 60)
        var lastLoss: Int64?
        var degradedSince: Int64?
        var lastOk: Int64?
        var relapses = 0

        func lossesInLastMinute(at t: Int64) -> Int {
            let now = t / Nanos.perSecond
            return perSecond.reduce(0) { $0 + ($1.second > now - 60 ? $1.count : 0) }
        }

        mutating func count(_ n: Int, at t: Int64) {
            let second = t / Nanos.perSecond
            let slot = Int(second % 60)
            if perSecond[slot].second != second { perSecond[slot] = (second, 0) }
            perSecond[slot].count += n
        }
    }

    private var sensors: [SensorKind: SensorLosses] = [:]

    public init() {}

    public mutating func record(_ sensor: SensorKind, _ kind: Kind, count: Int) {
        guard count > 0 else { return }
        sensors[sensor, default: SensorLosses()].pending[kind, default: 0] += count
    }

    /// The clean period a degraded sensor needs before it is `ok` again, after `relapses` relapses.
    public static func recovery(afterRelapses relapses: Int) -> Int64 {
        min(recovery << Int64(min(relapses, 16)), maxRecovery)
    }

    /// The change the sensor's losses call for at the tick ending at `t`, given whether it is degraded now
    /// (a sensor that is `lost` is not asked: `forget` it). nil: no change.
    public mutating func update(_ sensor: SensorKind, at t: Int64, degraded: Bool) -> Change? {
        guard sensors[sensor] != nil else { return nil }
        // In place (the dictionary's modify accessor): no copy of the per-second ring per tick.
        return Self.update(&sensors[sensor, default: SensorLosses()], sensor, at: t, degraded: degraded)
    }

    private static func update(_ s: inout SensorLosses, _ sensor: SensorKind, at t: Int64, degraded: Bool) -> Change? {
        let lost = s.pending.values.reduce(0, +)
        if lost > 0 {
            s.count(lost, at: t)
            s.lastLoss = t
        }
        if !degraded {
            guard lost > 0 else { return nil }
            if let ok = s.lastOk, t - ok <= relapseWindow { s.relapses += 1 } else { s.relapses = 0 }
            s.degradedSince = t
            var reason = describe(s.pending, sensor)
            s.pending.removeAll(keepingCapacity: true)
            let recent = s.lossesInLastMinute(at: t)
            if recent > lost { reason += " (\(recent) in the last minute)" }
            return .degraded(reason)
        }
        s.pending.removeAll(keepingCapacity: true)
        let clean = recovery(afterRelapses: s.relapses)
        let cleanLongEnough = s.lastLoss.map { t - $0 >= clean } ?? true
        let degradedLongEnough = s.degradedSince.map { t - $0 >= minimumDegraded } ?? true
        guard cleanLongEnough, degradedLongEnough else { return nil }
        s.degradedSince = nil
        s.lastOk = t
        return .recovered("no data lost for \(DurationText.format(clean))")
    }

    /// A sensor that was degraded before a restart: it stays so by the usual rule, as if it had turned
    /// degraded (with a loss) at `t`.
    public mutating func resume(_ sensor: SensorKind, degradedSince t: Int64) {
        var s = SensorLosses()
        s.lastLoss = t
        s.degradedSince = t
        sensors[sensor] = s
    }

    /// Drops what a sensor lost while it was lost anyway; its next loss starts afresh.
    public mutating func forget(_ sensor: SensorKind) {
        sensors[sensor] = nil
    }

    /// What was lost, in words: "4 corrupt frames, 1 sample dropped (the pipeline fell behind)".
    static func describe(_ losses: [Kind: Int], _ sensor: SensorKind) -> String {
        Kind.allCases.compactMap { kind in
            losses[kind].map { n in
                switch (kind, sensor) {
                case (.corrupt, _): "\(n) corrupt frame\(n == 1 ? "" : "s")"
                case (.overrun, .audio): "\(n) ALSA overrun\(n == 1 ? "" : "s")"
                case (.overrun, _): "\(n) frame\(n == 1 ? "" : "s") skipped by the driver"
                case (.ringFull, _): "\(n) sample\(n == 1 ? "" : "s") dropped (the pipeline fell behind)"
                }
            }
        }.joined(separator: ", ")
    }
}
