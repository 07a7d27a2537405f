/// What the pipeline publishes (DESIGN.md §4). `seq` is assigned by whoever
/// emits the stream (the EventHub in `run`, the replay writer in `replay`).
public enum PresenceEvent: Sendable, Equatable {
    case occupancy(OccupancyChange)
    case sensor(SensorChange)

    public var t: Int64 {
        switch self {
        case .occupancy(let o): o.t
        case .sensor(let s): s.t
        }
    }

    /// One JSON object, no trailing newline, keys in the documented order.
    public func jsonLine(seq: UInt64) -> String {
        var w = JSONObjectWriter()
        switch self {
        case .occupancy(let o):
            w.string("type", "occupancy")
            w.raw("seq", String(seq))
            w.raw("t", String(o.t))
            w.string("time", Nanos.rfc3339(o.t))
            w.raw("occupied", o.occupied ? "true" : "false")
            w.number("confidence", o.confidence)
            var sources = JSONObjectWriter()
            for (sensor, score) in o.sources {
                sources.number(sensor.rawValue, score)
            }
            w.raw("sources", sources.finish())
            if let count = o.count { w.raw("count", String(count)) }
        case .sensor(let s):
            w.string("type", "sensor")
            w.raw("seq", String(seq))
            w.raw("t", String(s.t))
            w.string("time", Nanos.rfc3339(s.t))
            w.string("sensor", s.sensor.rawValue)
            w.string("status", s.status.rawValue)
            if let reason = s.reason { w.string("reason", reason) }
        }
        return w.finish()
    }
}

public struct OccupancyChange: Sendable, Equatable {
    public var t: Int64
    public var occupied: Bool
    /// p(occupied) of the deciding tick, 0...1.
    public var confidence: Double
    /// Each present modality's own score, 0...1.
    public var sources: SensorScores
    /// People the radar counts at the change, where it can count them (an LD2450's targets, ghosts left
    /// out); nil otherwise, and then not in the event's JSON (clients must ignore fields they do not know).
    public var count: Int?

    public init(t: Int64, occupied: Bool, confidence: Double, sources: SensorScores, count: Int? = nil) {
        self.t = t
        self.occupied = occupied
        self.confidence = confidence
        self.sources = sources
        self.count = count
    }
}

public struct SensorChange: Sendable, Equatable {
    public var t: Int64
    public var sensor: SensorKind
    public var status: SensorStatus
    public var reason: String?
    /// The status it changed from, when known (not on the socket: metrics count a reconnect only after `lost`).
    public var previous: SensorStatus?

    public init(t: Int64, sensor: SensorKind, status: SensorStatus, reason: String? = nil, previous: SensorStatus? = nil) {
        self.t = t
        self.sensor = sensor
        self.status = status
        self.reason = reason
        self.previous = previous
    }
}

/// The state a new socket client is told in `hello`.
public struct OccupancyState: Sendable, Equatable {
    public var occupied: Bool
    public var confidence: Double
    /// Sample time of the last change of `occupied` (or of the start).
    public var since: Int64
    public var sensors: [SensorKind: SensorStatus]
    /// Taken up from before a restart and not yet confirmed by a tick of this run (`"restored": true` in the hello).
    public var restored: Bool

    public init(occupied: Bool = false, confidence: Double = 0, since: Int64 = 0, sensors: [SensorKind: SensorStatus] = [:],
                restored: Bool = false) {
        self.occupied = occupied
        self.confidence = confidence
        self.since = since
        self.sensors = sensors
        self.restored = restored
    }

    /// Where the pipeline starts: vacant, every expected sensor `ok` until it says otherwise.
    public init(expecting sensors: some Sequence<SensorKind>) {
        self.init(sensors: Dictionary(uniqueKeysWithValues: sensors.map { ($0, .ok) }))
    }

    public func json() -> String {
        var w = JSONObjectWriter()
        w.raw("occupied", occupied ? "true" : "false")
        w.number("confidence", confidence)
        w.raw("since", String(since))
        var s = JSONObjectWriter()
        for (sensor, status) in sensors.sorted(by: { $0.key < $1.key }) {
            s.string(sensor.rawValue, status.rawValue)
        }
        w.raw("sensors", s.finish())
        if restored { w.raw("restored", "true") }
        return w.finish()
    }
}
