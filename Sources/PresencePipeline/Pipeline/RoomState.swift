import PresenceCore
import PresenceFusion

/// The room as the pipeline last decided it: what a daemon saves so that a restart (an upgrade, the
/// watchdog, a reboot) does not forget an occupied room, and hands back to the next run's pipeline
/// (`Pipeline.restore`).
public struct RoomState: Sendable, Equatable {
    /// Sample time of the tick it was taken at.
    public var t: Int64
    public var tracker: Tracker.Snapshot
    /// p(occupied) of that tick.
    public var confidence: Double
    public var sensors: [SensorKind: SensorStatus]

    public init(t: Int64, tracker: Tracker.Snapshot, confidence: Double, sensors: [SensorKind: SensorStatus]) {
        self.t = t
        self.tracker = tracker
        self.confidence = confidence
        self.sensors = sensors
    }

    /// What a client is told before the first tick of a run that took this state up: the saved room, and the
    /// saved status of each sensor the run expects (`ok` for one that was not saved).
    public func occupancyState(expecting expected: some Sequence<SensorKind>) -> OccupancyState {
        var state = OccupancyState(expecting: expected)
        for (sensor, saved) in sensors where state.sensors[sensor] != nil { state.sensors[sensor] = saved }
        state.occupied = tracker.occupied
        state.confidence = confidence
        state.since = tracker.since
        state.restored = true
        return state
    }
}
