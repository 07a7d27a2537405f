import Foundation
import PresenceCore

/// Holds a replay back to `speed` times real time, measured on the monotonic
/// clock from the first sample. Pacing only delays; it never changes results.
public struct ReplayPacer {
    public let speed: Double
    private var origin: (sample: Int64, wall: UInt64)?

    public init(speed: Double) { self.speed = speed }

    /// Nanoseconds to wait before the sample at `t` is due (0 when due or unpaced).
    public mutating func delay(until t: Int64) -> UInt64 {
        guard speed > 0 else { return 0 }
        let now = DispatchTime.now().uptimeNanoseconds
        guard let o = origin else {
            origin = (t, now)
            return 0
        }
        let due = o.wall &+ UInt64(max(0, Double(t - o.sample) / speed))
        return due > now ? due - now : 0
    }

    /// Sleeps until `t` is due, in slices of at most 50 ms so that `shouldStop` is honoured promptly.
    public mutating func wait(until t: Int64, shouldStop: () -> Bool = { false }) {
        while !shouldStop() {
            let d = delay(until: t)
            if d == 0 { return }
            usleep(useconds_t(min(d, 50_000_000) / 1000))
        }
    }

    /// How late the sample at `t` is being delivered (capture delay in replay).
    public func lateness(of t: Int64) -> UInt64 {
        guard speed > 0, let o = origin else { return 0 }
        let due = o.wall &+ UInt64(max(0, Double(t - o.sample) / speed))
        let now = DispatchTime.now().uptimeNanoseconds
        return now > due ? now - due : 0
    }
}
