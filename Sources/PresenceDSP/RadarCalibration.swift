import PresenceCore

/// What an empty room looks like to the radar, learned from reports of the room with nobody in it
/// (`presenced calibrate`, `RadarCalibrator`):
/// - an LD2410 in engineering mode: per gate (0-8), the mean and the spread (standard deviation) of the moving
///   and of the still energy. Static reflections (walls, furniture, the mounting, a monitor) give real modules
///   still energy on the near gates, often above the factory thresholds; measured against this, only what is
///   above the room's own level counts (`RadarFeatureExtractor`'s excess features).
/// - an LD2450: its ghosts, the places where it reports a target with nobody there (a radiator, a mirror, a
///   metal cupboard); a target that stands still at one of them is not counted.
public struct RadarCalibration: Sendable, Equatable, Codable {
    /// The radar model the calibration was learned with; a file for another model is refused.
    public enum Sensor: String, Sendable, Codable, CaseIterable {
        case ld2410, ld2450
    }

    public static let gates = 9

    public var sensor: Sensor
    public var movingMean: [Float]
    public var movingSpread: [Float]
    public var stillMean: [Float]
    public var stillSpread: [Float]
    /// LD2450 only: where it reports targets in the empty room.
    public var ghosts: [RadarGhost]
    /// Reports it was learned from (LD2410: engineering reports), and the seconds of empty room they covered.
    public var reports: Int
    public var seconds: Double

    /// An LD2410's calibration.
    public init(sensor: Sensor, movingMean: [Float], movingSpread: [Float], stillMean: [Float], stillSpread: [Float],
                reports: Int, seconds: Double) {
        (self.sensor, self.movingMean, self.movingSpread, self.stillMean, self.stillSpread) =
            (sensor, movingMean, movingSpread, stillMean, stillSpread)
        (self.ghosts, self.reports, self.seconds) = ([], reports, seconds)
    }

    /// An LD2450's calibration.
    public init(ld2450Ghosts ghosts: [RadarGhost], reports: Int, seconds: Double) {
        (sensor, movingMean, movingSpread, stillMean, stillSpread) = (.ld2450, [], [], [], [])
        (self.ghosts, self.reports, self.seconds) = (ghosts, reports, seconds)
    }

    /// Why the values cannot be used, or nil. LD2410: nine gates each, finite, energies 0-100, spreads not
    /// negative, no ghosts. LD2450: no gates, ghosts at finite places within the sensor's 8 m with a radius of
    /// 0.1-2 m, seen a share 0-1 of the time, moving at most 0.15-0.8 m/s.
    public var problem: String? {
        let gateValues = [("moving_mean", movingMean), ("moving_spread", movingSpread), ("still_mean", stillMean), ("still_spread", stillSpread)]
        switch sensor {
        case .ld2410:
            for (name, values) in gateValues {
                guard values.count == Self.gates else { return "\(name) has \(values.count) gates, not \(Self.gates)" }
                guard values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 100 }) else { return "\(name) holds a value outside 0-100" }
            }
            guard ghosts.isEmpty else { return "an LD2410 calibration holds no ghosts" }
        case .ld2450:
            for (name, values) in gateValues where !values.isEmpty { return "an LD2450 calibration holds no \(name)" }
            for g in ghosts {
                guard g.x.isFinite, g.y.isFinite, abs(g.x) <= 8, g.y >= 0, g.y <= 8 else { return "a ghost at an impossible place" }
                guard g.radius >= 0.1, g.radius <= 2, g.share >= 0, g.share <= 1 else { return "a ghost with an impossible radius or share" }
                guard g.speed >= RadarGhost.stillSpeed, g.speed <= RadarGhost.fastestSpeed else {
                    return "a ghost with a speed outside \(RadarGhost.stillSpeed)-\(RadarGhost.fastestSpeed) m/s"
                }
            }
        }
        guard reports > 0, seconds > 0 else { return "learned from no reports" }
        return nil
    }

    /// The gate thresholds this empty room calls for, as a user tuning an LD2410 by hand would set them: each
    /// gate just above what the empty room shows there (mean + 3 σ + 5), never below the factory's (the room
    /// may be quieter than the factory allowed for, but lowering a threshold trades for false alarms), at most
    /// 100. Still gates 0 and 1 keep their 0 (no threshold). `presenced calibrate --write-module` writes these
    /// into the module; `eval` sets ESPHome's logic with them beside presenced.
    public var gateThresholds: LD2410GateThresholds {
        guard sensor == .ld2410 else { return .factory }
        let factory = LD2410GateThresholds.factory
        func derive(_ mean: [Float], _ spread: [Float], _ floor: [UInt8]) -> [UInt8] {
            (0..<Self.gates).map { g in
                let above = (mean[g] + 3 * spread[g] + 5).rounded(.up)
                return UInt8(min(100, max(Float(floor[g]), above)))
            }
        }
        var still = derive(stillMean, stillSpread, factory.still)
        (still[0], still[1]) = (0, 0)
        return LD2410GateThresholds(moving: derive(movingMean, movingSpread, factory.moving), still: still)
    }

    private enum CodingKeys: String, CodingKey {
        case sensor, reports, seconds, ghosts
        case movingMean = "moving_mean", movingSpread = "moving_spread", stillMean = "still_mean", stillSpread = "still_spread"
    }

    /// Each model's fields only: an LD2410 file reads (and is checksummed) as it always was.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sensor = try c.decode(Sensor.self, forKey: .sensor)
        reports = try c.decode(Int.self, forKey: .reports)
        seconds = try c.decode(Double.self, forKey: .seconds)
        let gates = sensor == .ld2410
        func gateValues(_ key: CodingKeys) throws -> [Float] {
            gates ? try c.decode([Float].self, forKey: key) : try c.decodeIfPresent([Float].self, forKey: key) ?? []
        }
        (movingMean, movingSpread) = (try gateValues(.movingMean), try gateValues(.movingSpread))
        (stillMean, stillSpread) = (try gateValues(.stillMean), try gateValues(.stillSpread))
        ghosts = gates ? try c.decodeIfPresent([RadarGhost].self, forKey: .ghosts) ?? [] : try c.decode([RadarGhost].self, forKey: .ghosts)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sensor, forKey: .sensor)
        try c.encode(reports, forKey: .reports)
        try c.encode(seconds, forKey: .seconds)
        switch sensor {
        case .ld2410:
            try c.encode(movingMean, forKey: .movingMean)
            try c.encode(movingSpread, forKey: .movingSpread)
            try c.encode(stillMean, forKey: .stillMean)
            try c.encode(stillSpread, forKey: .stillSpread)
            if !ghosts.isEmpty { try c.encode(ghosts, forKey: .ghosts) }
        case .ld2450:
            try c.encode(ghosts, forKey: .ghosts)
        }
    }
}

/// A place where an LD2450 reports a target in the empty room: its centre (metres; x across, y away from the
/// sensor), the radius around it that counts as the ghost, the share of reports it was seen in, and the fastest
/// it was seen to move (m/s: a vibrating appliance or a fan is a ghost that moves on the spot).
public struct RadarGhost: Sendable, Equatable, Codable {
    public var x: Float
    public var y: Float
    public var radius: Float
    public var share: Float
    public var speed: Float

    public init(x: Float, y: Float, radius: Float, share: Float, speed: Float = RadarGhost.stillSpeed) {
        (self.x, self.y, self.radius, self.share, self.speed) = (x, y, radius, share, speed)
    }

    /// A target this close to the ghost's centre, moving no faster than the ghost does, is the ghost, not a
    /// person: someone who walks past it is counted.
    public func explains(_ t: LD2450Target) -> Bool {
        let dx = Float(t.xMm) / 1000 - x, dy = Float(t.yMm) / 1000 - y
        return dx * dx + dy * dy <= radius * radius && abs(Float(t.speedCmS)) / 100 <= speed
    }

    /// The slowest a ghost is taken to move (m/s): a reflector that never moves still reports a few cm/s of jitter.
    public static let stillSpeed: Float = 0.15
    /// The fastest: a person walks at 0.5-1.5 m/s.
    public static let fastestSpeed: Float = 0.8

    private enum CodingKeys: String, CodingKey { case x, y, radius, share, speed }

    /// A file written before ghosts had a speed reads as the still ghosts it described.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        (x, y) = (try c.decode(Float.self, forKey: .x), try c.decode(Float.self, forKey: .y))
        (radius, share) = (try c.decode(Float.self, forKey: .radius), try c.decode(Float.self, forKey: .share))
        speed = try c.decodeIfPresent(Float.self, forKey: .speed) ?? Self.stillSpeed
    }

    /// A still ghost is written as before ghosts had a speed: such a file's checksum (taken over this encoding)
    /// still matches.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(x, forKey: .x)
        try c.encode(y, forKey: .y)
        try c.encode(radius, forKey: .radius)
        try c.encode(share, forKey: .share)
        if speed != Self.stillSpeed { try c.encode(speed, forKey: .speed) }
    }
}
