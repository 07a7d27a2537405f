import PresenceCore

/// When a sensor is `degraded` (DESIGN.md §4): it still delivers, but loses
/// some of its data on the way — radar frames that fail their checks (line
/// noise, a loose cable), ALSA overruns, frames the camera driver skipped,
/// samples dropped because the pipeline fell behind. Every such loss makes the
/// sensor `degraded` at the tick it is seen; it is `ok` again once `recovery`
/// has passed without one. A sensor that is `lost` is not degraded: losses
/// counted while it is lost are forgotten.
///
/// One loss is enough, because each one is data the fusion did not get; the
/// recovery window keeps a sensor that keeps losing data from flapping (at most
/// one `degraded`/`ok` pair per window).
public struct DataLossMonitor {
    /// Loss-free time after which a degraded sensor is `ok` again.
    public static let recovery: Int64 = 5 * Nanos.perSecond

    public enum Kind: Hashable, CaseIterable {
        /// Frames that failed their checks (the radar parsers' bad frames).
        case corrupt
        /// The device lost data itself: an ALSA overrun, frames the V4L2 driver skipped.
        case overrun
        /// The capture ring was full: the pipeline did not keep up.
        case ringFull
    }

    /// Losses since the last tick.
    private var pending: [SensorKind: [Kind: Int]] = [:]
    /// Sample time of the tick that last saw a loss.
    private var lastLoss: [SensorKind: Int64] = [:]

    mutating func record(_ sensor: SensorKind, _ kind: Kind, count: Int) {
        guard count > 0 else { return }
        pending[sensor, default: [:]][kind, default: 0] += count
    }

    /// What the sensor lost since the last tick, in words ("4 corrupt frames"), or nil when nothing;
    /// a loss remembered here keeps a degraded sensor so for another `recovery`.
    mutating func takeLoss(_ sensor: SensorKind, at t: Int64) -> String? {
        guard let losses = pending.removeValue(forKey: sensor) else { return nil }
        lastLoss[sensor] = t
        return Kind.allCases.compactMap { kind in losses[kind].map { Self.describe(kind, $0, sensor) } }
            .joined(separator: ", ")
    }

    /// True once `recovery` has passed since the sensor's last loss.
    func recovered(_ sensor: SensorKind, at t: Int64) -> Bool {
        lastLoss[sensor].map { t - $0 >= Self.recovery } ?? true
    }

    /// Drops what a sensor lost while it was lost anyway.
    mutating func forget(_ sensor: SensorKind) {
        pending[sensor] = nil
        lastLoss[sensor] = nil
    }

    private static func describe(_ kind: Kind, _ n: Int, _ sensor: SensorKind) -> String {
        switch (kind, sensor) {
        case (.corrupt, _): "\(n) corrupt frame\(n == 1 ? "" : "s")"
        case (.overrun, .audio): "\(n) ALSA overrun\(n == 1 ? "" : "s")"
        case (.overrun, _): "\(n) frame\(n == 1 ? "" : "s") skipped by the driver"
        case (.ringFull, _): "\(n) sample\(n == 1 ? "" : "s") dropped (the pipeline fell behind)"
        }
    }
}
