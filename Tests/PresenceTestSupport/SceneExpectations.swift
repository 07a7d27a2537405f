import PresenceCore

/// Checks a run's occupancy events against its labels the way the issue states
/// it: entry within 2 s of the label, exit within hold + 2 s, no flapping.
public struct SceneExpectations {
    public struct Label: Sendable {
        public var t: Int64
        public var occupied: Bool
        public init(t: Int64, occupied: Bool) {
            self.t = t
            self.occupied = occupied
        }
    }

    public var labels: [Label]
    public var events: [PresenceEvent]
    public var hold: Int64

    public init(labels: [Label], events: [PresenceEvent], hold: Int64) {
        self.labels = labels
        self.events = events
        self.hold = hold
    }

    public var occupancy: [OccupancyChange] {
        events.compactMap { if case .occupancy(let o) = $0 { o } else { nil } }
    }

    /// Label changes of `occupied` (the first label only sets the initial state).
    public var labelChanges: [Label] {
        var out: [Label] = []
        var current = false
        for l in labels where l.occupied != current {
            out.append(l)
            current = l.occupied
        }
        return out
    }

    /// Human-readable problems; empty when the run meets every expectation.
    public func problems() -> [String] {
        var problems: [String] = []
        let changes = labelChanges
        let got = occupancy
        if changes.count != got.count {
            problems.append("expected \(changes.count) occupancy events (one per label change), got \(got.count): \(got.map { ($0.occupied, Nanos.toSeconds($0.t)) })")
        }
        for (label, event) in zip(changes, got) {
            let delay = event.t - label.t
            let allowed = label.occupied ? 2 * Nanos.perSecond : hold + 2 * Nanos.perSecond
            if event.occupied != label.occupied || delay < 0 || delay > allowed {
                problems.append("label occupied=\(label.occupied) at \(Nanos.toSeconds(label.t)) s: event occupied=\(event.occupied) \(Nanos.toSeconds(delay)) s later (allowed 0...\(Nanos.toSeconds(allowed)) s)")
            }
        }
        return problems
    }
}
