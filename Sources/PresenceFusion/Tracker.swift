import PresenceCore

/// Turns per-tick p(occupied) into a steady occupied/vacant state: hysteresis
/// (on and off thresholds), an on-latency against one-tick blips, and a hold
/// time that keeps the room occupied through quiet moments.
public struct Tracker: Sendable {
    public struct Parameters: Sendable, Equatable {
        public var onThreshold: Double
        public var offThreshold: Double
        /// p must stay at or above onThreshold this long before the room becomes occupied.
        public var onLatency: Int64
        /// The room becomes vacant only after p stayed below offThreshold this long.
        public var hold: Int64

        public init(onThreshold: Double = 0.6, offThreshold: Double = 0.4,
                    onLatency: Int64 = 300 * Nanos.perMillisecond, hold: Int64 = 30 * Nanos.perSecond) {
            self.onThreshold = onThreshold
            self.offThreshold = offThreshold
            self.onLatency = onLatency
            self.hold = hold
        }
    }

    public var parameters: Parameters
    public private(set) var occupied = false
    /// Sample time of the last state change.
    public private(set) var since: Int64
    private var aboveOnSince: Int64?
    private var lastEvidence: Int64 = .min

    public init(parameters: Parameters, start: Int64 = 0) {
        self.parameters = parameters
        since = start
    }

    /// Feeds one tick; returns the new state when it changed.
    public mutating func update(t: Int64, probability p: Double) -> Bool? {
        if occupied {
            if p >= parameters.offThreshold { lastEvidence = t }
            guard t - lastEvidence >= parameters.hold else { return nil }
            occupied = false
            aboveOnSince = nil
        } else {
            guard p >= parameters.onThreshold else {
                aboveOnSince = nil
                return nil
            }
            let first = aboveOnSince ?? t
            aboveOnSince = first
            guard t - first >= parameters.onLatency else { return nil }
            occupied = true
            lastEvidence = t
        }
        since = t
        return occupied
    }
}
