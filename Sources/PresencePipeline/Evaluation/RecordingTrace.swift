import PresenceCore

/// What one replayed recording produced, tick by tick, next to its labels:
/// the input of every evaluation metric and of the report's timelines.
public struct RecordingTrace: Sendable {
    public struct Tick: Sendable {
        public var t: Int64
        /// p(occupied) of the tick.
        public var probability: Double
        /// The tracker's state after the tick.
        public var occupied: Bool
        /// Each present modality's own score, 0...1.
        public var sources: SensorScores

        public init(t: Int64, probability: Double, occupied: Bool, sources: SensorScores) {
            self.t = t
            self.probability = probability
            self.occupied = occupied
            self.sources = sources
        }
    }

    /// Ground truth from `/labels/occupancy`: holds from `t` until the next label.
    public struct Label: Sendable, Equatable {
        public var t: Int64
        public var occupied: Bool
        /// What the room is like (`still`, `pet`, `lamp`...); nil when the label does not say.
        public var condition: String?

        public init(t: Int64, occupied: Bool, condition: String? = nil) {
            self.t = t
            self.occupied = occupied
            self.condition = condition
        }
    }

    /// A short name for tables (the file name without `.mcap`).
    public var name: String
    public var path: String
    public var ticks: [Tick] = []
    public var labels: [Label] = []
    public var events: [PresenceEvent] = []

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
