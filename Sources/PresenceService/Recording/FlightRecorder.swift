import PresenceCore

/// The flight recorder of `run` (`[recording] flight_recorder`): keeps the last
/// `history` of samples in memory and, around each occupancy change, assembles
/// a clip from `history` before it to `after` past it, so that false alarms
/// and misses can be labelled and added to the corpus. A label given on the live
/// page ("someone is here", "nobody is here") opens one too, and goes into it.
/// A change or a label inside an open clip extends it. Pure bookkeeping on
/// sample time; ClipWriter does the I/O.
final class FlightRecorder {
    struct Clip {
        /// What opened the clip (the file is named after it): when, and `occupied`, `vacant` (a change) or
        /// `labelled-occupied`, `labelled-empty` (a label).
        var trigger: (t: Int64, what: String)
        var start: Int64
        var end: Int64
        var samples: [Sample]
        /// Events published while the clip was open: (t, JSON line as on the socket).
        var events: [(t: Int64, json: String)]
        /// Labels given while it was open: from `t` on, the room was (or was not) occupied.
        var labels: [(t: Int64, occupied: Bool)] = []
    }

    let history: Int64
    let after: Int64
    /// The last `history` of samples, oldest first from `head`.
    private var ring: [Sample] = []
    private var head = 0
    private var open: Clip?

    init(history: Int64, after: Int64) {
        self.history = history
        self.after = after
    }

    /// Adds a sample; returns the open clip once it reaches its end.
    func add(_ sample: Sample) -> Clip? {
        var done: Clip?
        if var clip = open {
            if sample.t > clip.end {
                done = clip
                open = nil
            } else {
                clip.samples.append(sample)
                open = clip
            }
        }
        ring.append(sample)
        // Forget what fell out of the history; compact now and then instead of shifting every time.
        while head < ring.count, ring[head].t < sample.t - history { head += 1 }
        if head > 1024, head * 2 > ring.count {
            ring.removeFirst(head)
            head = 0
        }
        return done
    }

    /// Records published events; an occupancy change opens a clip or extends the open one.
    func add(events: [PresenceEvent], lines: [String]) {
        for (event, line) in zip(events, lines) {
            if case .occupancy(let change) = event { openOrExtend(at: change.t, what: change.occupied ? "occupied" : "vacant") }
            open?.events.append((event.t, line))
        }
    }

    /// A label of the moment `t` (the newest sample's time): someone is here, or nobody is.
    func add(label occupied: Bool, at t: Int64) {
        openOrExtend(at: t, what: occupied ? "labelled-occupied" : "labelled-empty")
        open?.labels.append((t, occupied))
    }

    private func openOrExtend(at t: Int64, what: String) {
        if open == nil {
            let start = t - history
            open = Clip(trigger: (t, what), start: start, end: t + after, samples: ring[head...].filter { $0.t >= start }, events: [])
        } else {
            open!.end = max(open!.end, t + after)
        }
    }

    /// The open clip as it stands (on shutdown).
    func finish() -> Clip? {
        defer { open = nil }
        return open
    }
}
