import Foundation
import PresenceCore

/// Holds a replay back to `speed` times real time, measured on the monotonic
/// clock from the first sample. Pacing only delays; it never changes results.
struct ReplayPacer {
    let speed: Double
    private var origin: (sample: Int64, wall: UInt64)?

    init(speed: Double) { self.speed = speed }

    mutating func wait(until t: Int64) {
        guard speed > 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard let o = origin else {
            origin = (t, now)
            return
        }
        let due = o.wall + UInt64(max(0, Double(t - o.sample) / speed))
        if due > now { usleep(useconds_t(min((due - now) / 1000, 1_000_000))) }
    }
}
