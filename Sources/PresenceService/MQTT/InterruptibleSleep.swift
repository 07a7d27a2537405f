import NIOConcurrencyHelpers

/// A sleep that another task can end early with `wake()`. A wake that comes while nobody sleeps is
/// kept for the next sleep, so new settings that arrive while a connection attempt runs still cut
/// the following pause short. Reusable: every sleep starts fresh (an AsyncStream read by one task
/// per pause is not: cancelling one reader finishes the stream, and every later pause returned at
/// once, so the reconnect backoff never waited).
final class InterruptibleSleep: Sendable {
    private struct State {
        var pendingWake = false
        var sleeper: Task<Void, Never>?
    }
    // Locks here are NIOLockedValueBox (pthread), not Synchronization.Mutex: ThreadSanitizer cannot see
    // Mutex's futex on Linux and reports every access it guards as a race (make test-sanitize).
    private let state = NIOLockedValueBox(State())

    func wake() {
        state.withLockedValue { s in
            if let sleeper = s.sleeper { sleeper.cancel() } else { s.pendingWake = true }
        }
    }

    /// Drops a wake that nobody slept through (it was already acted on).
    func forgetWake() {
        state.withLockedValue { $0.pendingWake = false }
    }

    /// Returns after `duration` (nil: only when woken), when woken, or when the calling task is cancelled.
    func sleep(_ duration: Duration?) async {
        let sleeper = Task {
            if let duration {
                try? await Task.sleep(for: duration)
            } else {
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            }
        }
        let wokenAlready = state.withLockedValue { s in
            if s.pendingWake {
                s.pendingWake = false
                return true
            }
            s.sleeper = sleeper
            return false
        }
        if wokenAlready {
            sleeper.cancel()
            return
        }
        await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
        state.withLockedValue { $0.sleeper = nil }
    }
}
