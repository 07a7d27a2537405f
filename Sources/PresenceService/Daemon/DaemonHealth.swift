import Foundation
import Synchronization

/// What `/healthz` reports (and, later, what the systemd watchdog is fed from): the daemon is *ready* once
/// the pipeline ran its first tick, and *alive* while the pipeline keeps ticking. A live source ticks
/// every 100 ms even with every sensor lost (that is reported as `sensor` events, and a restart would not
/// bring a camera back), so a pipeline that stops ticking is stuck, and only then is the daemon not alive.
public final class DaemonHealth: Sendable {
    /// Longest pause between ticks of a healthy pipeline (50 ticks).
    public static let stallLimit: UInt64 = 5_000_000_000
    /// Time allowed from start to the first tick (opening devices, reading a recording's summary).
    public static let startLimit: UInt64 = 30_000_000_000

    private let started: UInt64
    /// Uptime (ns) of the latest tick; 0 before the first.
    private let lastTick = Atomic<UInt64>(0)

    public init(now: UInt64 = DispatchTime.now().uptimeNanoseconds) { started = now }

    func ticked(now: UInt64 = DispatchTime.now().uptimeNanoseconds) { lastTick.store(max(now, 1), ordering: .relaxed) }

    public struct Status: Sendable, Equatable {
        public var ready: Bool
        public var alive: Bool
        /// One line for a person: why not, or "ok".
        public var text: String
    }

    public func status(now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Status {
        let last = lastTick.load(ordering: .relaxed)
        if last == 0 {
            let waited = now &- started
            return waited < Self.startLimit
                ? Status(ready: false, alive: true, text: "starting: no tick yet")
                : Status(ready: false, alive: false, text: "no tick in \(waited / 1_000_000_000) s since start")
        }
        let since = now &- last
        return since < Self.stallLimit
            ? Status(ready: true, alive: true, text: "ok")
            : Status(ready: true, alive: false, text: "pipeline stalled: no tick for \(String(format: "%.1f", Double(since) / 1e9)) s")
    }
}
