import Glibc

/// Capture timestamps (DESIGN.md §1): CLOCK_MONOTONIC, mapped to Unix-epoch
/// nanoseconds by one offset taken at start, so sample time never goes
/// backwards when the wall clock is stepped (NTP, a user, a dead RTC battery).
public struct CaptureClock: Sendable {
    /// Unix-epoch ns minus monotonic ns, at start.
    public let offset: Int64

    public init() {
        offset = Self.read(CLOCK_REALTIME) - Self.read(CLOCK_MONOTONIC)
    }

    /// Now, as sample time.
    public func now() -> Int64 { Self.read(CLOCK_MONOTONIC) + offset }

    /// A CLOCK_MONOTONIC instant (a V4L2 buffer timestamp, say) as sample time.
    public func sampleTime(monotonic ns: Int64) -> Int64 { ns + offset }

    static func read(_ clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Monotonic ns, for timeouts and backoff.
    public static func monotonic() -> Int64 { read(CLOCK_MONOTONIC) }
}
