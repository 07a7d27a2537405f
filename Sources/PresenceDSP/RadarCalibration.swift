import PresenceCore

/// What an empty room looks like to an LD2410 in engineering mode: per gate (0-8), the mean and the spread
/// (standard deviation) of the moving and of the still energy, learned from reports of the room with nobody in
/// it (`presenced calibrate`). Static reflections (walls, furniture, the mounting, a monitor) give real modules
/// still energy on the near gates, often above the factory thresholds; measured against this, only what is
/// above the room's own level counts (`RadarFeatureExtractor`'s excess features).
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
    /// Engineering reports it was learned from, and the seconds of empty room they covered.
    public var reports: Int
    public var seconds: Double

    public init(sensor: Sensor, movingMean: [Float], movingSpread: [Float], stillMean: [Float], stillSpread: [Float],
                reports: Int, seconds: Double) {
        (self.sensor, self.movingMean, self.movingSpread, self.stillMean, self.stillSpread) =
            (sensor, movingMean, movingSpread, stillMean, stillSpread)
        (self.reports, self.seconds) = (reports, seconds)
    }

    /// Why the values cannot be used, or nil: nine gates each, finite, energies 0-100, spreads not negative.
    public var problem: String? {
        for (name, values) in [("moving_mean", movingMean), ("moving_spread", movingSpread), ("still_mean", stillMean),
                               ("still_spread", stillSpread)] {
            guard values.count == Self.gates else { return "\(name) has \(values.count) gates, not \(Self.gates)" }
            guard values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 100 }) else { return "\(name) holds a value outside 0-100" }
        }
        guard reports > 0, seconds > 0 else { return "learned from no reports" }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case sensor, reports, seconds
        case movingMean = "moving_mean", movingSpread = "moving_spread", stillMean = "still_mean", stillSpread = "still_spread"
    }
}

/// Learns a `RadarCalibration` from LD2410 engineering reports of an empty room: running mean and variance per
/// gate (Welford's method, in Double: hours of reports do not lose precision).
public struct RadarCalibrator: Sendable {
    private var count = 0
    private var mean = [Double](repeating: 0, count: 2 * RadarCalibration.gates)
    private var m2 = [Double](repeating: 0, count: 2 * RadarCalibration.gates)
    /// Time covered: the gaps between consecutive reports up to a second (several recordings, or a pause, do not
    /// count the time between them).
    private var covered: Int64 = 0
    private var last: Int64?

    public init() {}

    /// Engineering reports taken so far (basic reports carry no per-gate energies and are not counted).
    public var reports: Int { count }

    public mutating func add(_ report: LD2410Report, at t: Int64) {
        guard report.isEngineering else { return }
        count += 1
        if let last, t >= last, t - last <= Nanos.perSecond { covered += t - last }
        last = t
        for g in 0..<RadarCalibration.gates {
            let values = (g < report.movingGateEnergies.count ? Double(report.movingGateEnergies[g]) : 0,
                          g < report.stillGateEnergies.count ? Double(report.stillGateEnergies[g]) : 0)
            update(g, values.0)
            update(RadarCalibration.gates + g, values.1)
        }
    }

    private mutating func update(_ i: Int, _ x: Double) {
        let delta = x - mean[i]
        mean[i] += delta / Double(count)
        m2[i] += delta * (x - mean[i])
    }

    /// The calibration, or nil without a single engineering report.
    public func calibration() -> RadarCalibration? {
        guard count > 0 else { return nil }
        let n = RadarCalibration.gates
        let spread = (0..<(2 * n)).map { Float(count > 1 ? (m2[$0] / Double(count - 1)).squareRoot() : 0) }
        let means = mean.map { Float($0) }
        // Reports come about ten times a second: a single report still stands for a tenth of a second.
        let seconds = max(0.1, Nanos.toSeconds(covered))
        return RadarCalibration(sensor: .ld2410, movingMean: Array(means[0..<n]), movingSpread: Array(spread[0..<n]),
                                stillMean: Array(means[n...]), stillSpread: Array(spread[n...]), reports: count, seconds: seconds)
    }
}
