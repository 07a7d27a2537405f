import NIOConcurrencyHelpers

/// What the live page asks of the pipeline: labels of the present moment (`POST /label`), queued by the HTTP
/// handler and taken by the pipeline's thread with its next sample, so the label has the sample time of then.
public final class LiveActions: Sendable {
    private let labels = NIOLockedValueBox<[Bool]>([])

    public init() {}

    /// "Someone is here" (true) or "nobody is here" (false).
    func label(occupied: Bool) {
        labels.withLockedValue { $0.append(occupied) }
    }

    /// The labels asked for since the last call, oldest first.
    func takeLabels() -> [Bool] {
        labels.withLockedValue { queued in
            defer { queued.removeAll() }
            return queued
        }
    }
}
