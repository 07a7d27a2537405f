import PresenceCore

/// Checks a run's occupancy events against its labels: one event per change of
/// the labels' `occupied` (no flapping, no false alarm), entry within 2 s of its
/// label, exit within hold + 2 s. A change whose window runs past the end of the
/// recording may have no event: the run ends before it is due.
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
    /// Log time of the recording's last message.
    public var end: Int64

    public init(labels: [Label], events: [PresenceEvent], hold: Int64, end: Int64 = .max) {
        self.labels = labels
        self.events = events
        self.hold = hold
        self.end = end
    }

    /// How long after a label change its event may come.
    func allowedDelay(_ label: Label) -> Int64 { label.occupied ? 2 * Nanos.perSecond : hold + 2 * Nanos.perSecond }

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
        var changes = labelChanges
        let got = occupancy
        if let last = changes.last, got.count == changes.count - 1, last.t > end - allowedDelay(last) {
            changes.removeLast()
        }
        // Times in words are seconds from the first label (the recording's start).
        let origin = labels.first?.t ?? 0
        func s(_ t: Int64) -> Double { (Nanos.toSeconds(t - origin) * 10).rounded() / 10 }
        if changes.count != got.count {
            problems.append("expected \(changes.count) occupancy events (one per label change), got \(got.count): "
                            + got.map { "\($0.occupied ? "occupied" : "vacant") at \(s($0.t)) s" }.joined(separator: ", "))
        }
        for (label, event) in zip(changes, got) {
            let delay = event.t - label.t
            let allowed = allowedDelay(label)
            if event.occupied != label.occupied || delay < 0 || delay > allowed {
                problems.append("label occupied=\(label.occupied) at \(s(label.t)) s: event occupied=\(event.occupied) \(Nanos.toSeconds(delay)) s later (allowed 0...\(Nanos.toSeconds(allowed)) s)")
            }
        }
        return problems
    }
}
