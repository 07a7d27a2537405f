import PresenceCore

/// How well one replayed recording matched its labels (DESIGN.md §4: the
/// configured hold after a labelled exit is not counted against the tracker).
/// Times are seconds from the recording's origin.
public struct RecordingScore: Sendable, Codable {
    public var name: String
    /// Labelled time, split by the label.
    public var emptySeconds = 0.0
    public var occupiedSeconds = 0.0
    /// The tracker's state against the labels, one count per tick.
    public var ticks = Confusion()
    /// Ticks left out: before the first label, or within the hold after a labelled exit.
    public var excludedTicks = 0
    /// The same per label condition.
    public var conditions: [String: Confusion] = [:]
    /// Each modality's own score (at least 0.5 = occupied) on the ticks it was present: what that sensor alone would say.
    public var modalities: [String: Confusion] = [:]
    /// Label entry → occupied event, one per detected entry (0 when already occupied).
    public var entryLatencies: [Double] = []
    /// Entries never reported before the person left.
    public var missedEntries: [Double] = []
    /// Label exit → vacant event (includes the hold).
    public var exitLatencies: [Double] = []
    /// Exits not reported before the next entry or the end.
    public var unclearedExits: [Double] = []
    /// Occupied events while the labels said empty.
    public var falseAlarms: [Double] = []
    /// Vacant events while the labels said occupied.
    public var falseVacancies: [Double] = []
    /// Per label condition: its stretches that found the room vacant, and how many of them switched it on
    /// (an occupied event within the stretch, or within `switchGrace` after it while the next stretch is
    /// empty; each event counts for one stretch).
    /// On recordings of one sound at a time (`make report`'s sound-clips) this is what each kind of sound
    /// does to a quiet room by itself.
    public var switchedOn: [String: SwitchCount] = [:]

    /// How long after a stretch ends its sound may still switch the room on (the tracker's on-latency, and
    /// the sound classifier's second of look-back, classified every half second).
    public static let switchGrace: Int64 = 2_000_000_000

    public struct SwitchCount: Sendable, Codable, Equatable {
        public var stretches = 0
        public var switchedOn = 0

        public init(stretches: Int = 0, switchedOn: Int = 0) { (self.stretches, self.switchedOn) = (stretches, switchedOn) }

        public static func + (a: Self, b: Self) -> Self {
            Self(stretches: a.stretches + b.stretches, switchedOn: a.switchedOn + b.switchedOn)
        }

        public var share: Double? { stretches > 0 ? Double(switchedOn) / Double(stretches) : nil }
    }

    public init(name: String) { self.name = name }

    /// Scores `trace` with ticks `tickPeriod` apart and the tracker's `hold`.
    public init(_ trace: RecordingTrace, tickPeriod: Int64, hold: Int64) {
        self.init(name: trace.name)
        let origin = trace.origin(tickPeriod: tickPeriod)
        func seconds(_ t: Int64) -> Double { Nanos.toSeconds(t - origin) }
        let period = Nanos.toSeconds(tickPeriod)
        let segments = trace.labelSegments()

        // Ticks against the label in force at each tick.
        for (tick, truth) in zip(trace.ticks, trace.truth(hold: hold)) {
            guard let truth else { excludedTicks += 1; continue }
            if truth.occupied { occupiedSeconds += period } else { emptySeconds += period }
            ticks.add(predicted: tick.occupied, actual: truth.occupied)
            conditions[truth.condition, default: Confusion()].add(predicted: tick.occupied, actual: truth.occupied)
            for (sensor, score) in tick.sources {
                modalities[sensor.rawValue, default: Confusion()].add(predicted: score >= 0.5, actual: truth.occupied)
            }
        }

        // Transitions: each change of the labels' occupancy against the first matching event after it.
        let changes = trace.events.compactMap { if case .occupancy(let o) = $0 { o } else { nil } }
        for (i, seg) in segments.enumerated() where seg.runStart == seg.start && (seg.occupied || i > 0) {
            // The tracker's state when the label changed (it starts vacant).
            let stateAtChange = changes.last { $0.t <= seg.start }?.occupied ?? false
            // An entry must be seen while someone is there; an exit may be reported until the next entry.
            let deadline = segments[(i + 1)...].first { $0.occupied != seg.occupied }?.start ?? .max
            let event = changes.first { $0.t >= seg.start && $0.t < deadline && $0.occupied == seg.occupied }
            let latency: Double? = stateAtChange == seg.occupied ? 0 : event.map { Nanos.toSeconds($0.t - seg.start) }
            switch (seg.occupied, latency) {
            case (true, let l?): entryLatencies.append(l)
            case (true, nil): missedEntries.append(seconds(seg.start))
            case (false, let l?): exitLatencies.append(l)
            case (false, nil): unclearedExits.append(seconds(seg.start))
            }
        }
        // Each switch-on belongs to one stretch: the one in force, or the one that ended less than
        // `switchGrace` before it (the sound that just stopped) unless someone arrived then.
        var switchedBy = Set<Int>()
        for change in changes where change.occupied {
            guard var i = segments.lastIndex(where: { $0.start <= change.t }) else { continue }
            if i > 0, change.t - segments[i].start < Self.switchGrace, !segments[i].occupied { i -= 1 }
            switchedBy.insert(i)
        }
        for (i, seg) in segments.enumerated() where !(changes.last { $0.t <= seg.start }?.occupied ?? false) {
            switchedOn[seg.condition, default: SwitchCount()] = switchedOn[seg.condition, default: SwitchCount()]
                + SwitchCount(stretches: 1, switchedOn: switchedBy.contains(i) ? 1 : 0)
        }
        for change in changes {
            guard let seg = segments.last(where: { $0.start <= change.t }) else { continue }
            if change.occupied, !seg.occupied { falseAlarms.append(seconds(change.t)) }
            if !change.occupied, seg.occupied { falseVacancies.append(seconds(change.t)) }
        }
    }
}

/// The label a tick is scored against.
public struct TickTruth: Sendable, Equatable {
    public var occupied: Bool
    /// The label's condition, or `occupied` / `empty` when it gives none.
    public var condition: String
}

extension RecordingTrace {
    /// A stretch of time with one label.
    public struct Segment: Sendable {
        public var start: Int64
        public var end: Int64
        public var occupied: Bool
        /// The label's condition, or `occupied` / `empty` when it gives none.
        public var condition: String
        /// Where the run of stretches with this occupancy began (a condition change does not start a run).
        public var runStart: Int64
        /// For empty stretches after someone left: when they left (the hold after it is not counted).
        public var exitAt: Int64?
    }

    /// Time zero of the recording's tables and timelines: its first label or the start of its first tick.
    public func origin(tickPeriod: Int64) -> Int64 {
        min(labels.first?.t ?? .max, (ticks.first?.t ?? tickPeriod) - tickPeriod)
    }

    /// What each tick is scored against: the label in force at the tick, or nil where it is not
    /// counted (before the first label, and within `hold` after a labelled exit).
    public func truth(hold: Int64) -> [TickTruth?] {
        let segments = labelSegments()
        var s = 0
        return ticks.map { tick in
            while s < segments.count, segments[s].end <= tick.t { s += 1 }
            guard s < segments.count, segments[s].start <= tick.t else { return nil }
            let seg = segments[s]
            if let exit = seg.exitAt, tick.t <= exit + hold { return nil }
            return TickTruth(occupied: seg.occupied, condition: seg.condition)
        }
    }

    /// The labels as consecutive stretches up to the last tick; labels that repeat the previous one merge into it.
    public func labelSegments() -> [Segment] {
        let end = (ticks.last?.t ?? labels.last?.t ?? 0) + 1
        var out: [Segment] = []
        for (i, l) in labels.enumerated() {
            let next = i + 1 < labels.count ? labels[i + 1].t : max(end, l.t)
            let condition = l.condition ?? (l.occupied ? "occupied" : "empty")
            guard let last = out.last else {
                out.append(Segment(start: l.t, end: next, occupied: l.occupied, condition: condition, runStart: l.t, exitAt: nil))
                continue
            }
            if last.occupied == l.occupied, last.condition == condition {
                out[out.count - 1].end = next
                continue
            }
            let sameRun = last.occupied == l.occupied
            let exitAt: Int64? = l.occupied ? nil : (sameRun ? last.exitAt : l.t)
            out.append(Segment(start: l.t, end: next, occupied: l.occupied, condition: condition,
                               runStart: sameRun ? last.runStart : l.t, exitAt: exitAt))
        }
        return out
    }
}
