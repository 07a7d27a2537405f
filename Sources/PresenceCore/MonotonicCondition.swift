import Glibc

/// A lock and condition variable whose timed waits run on CLOCK_MONOTONIC.
///
/// Foundation's `NSCondition.wait(until: Date)` waits on the wall clock: when
/// the clock is stepped back (NTP's first sync, a dead RTC battery, a user),
/// a 20 ms wait becomes a wait of however far it went back, and a capture
/// thread or the pipeline stops for that long. The waits here measure elapsed
/// time, so a wall-clock jump cannot stretch or cut them.
public final class MonotonicCondition: @unchecked Sendable {
    // Heap-allocated so that their addresses never move (pthread objects must not be copied).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let cond: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        cond = .allocate(capacity: 1)
        cond.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func signal() { pthread_cond_signal(cond) }
    public func broadcast() { pthread_cond_broadcast(cond) }

    /// Waits (the lock held) until signalled.
    public func wait() { pthread_cond_wait(cond, mutex) }

    /// Waits (the lock held) until signalled or CLOCK_MONOTONIC reaches `deadline` (ns);
    /// false once the deadline has passed. May return early (spuriously): callers loop on their predicate.
    @discardableResult
    public func wait(untilMonotonic deadline: Int64) -> Bool {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(cond, mutex, &ts) != ETIMEDOUT
    }

    /// The CLOCK_MONOTONIC instant `seconds` from now, for `wait(untilMonotonic:)`.
    public static func deadline(in seconds: Double) -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec) + Int64(seconds * 1e9)
    }
}
