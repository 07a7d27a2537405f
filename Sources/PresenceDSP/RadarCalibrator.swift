import PresenceCore

/// Learns a `RadarCalibration` from reports of an empty room. LD2410 engineering reports: running mean and
/// variance per gate (Welford's method, in Double: hours of reports do not lose precision). LD2450 reports: where
/// its targets are, counted on a 0.3 m grid; a cell seen in at least `ghostShare` of the reports is a ghost.
public struct RadarCalibrator: Sendable {
    /// A place that holds a target in at least 5 % of an empty room's reports is a ghost (someone walking past
    /// during a calibration crosses a cell in a second or two: well under 5 % of a minute).
    public static let ghostShare: Float = 0.05
    static let cell: Float = 0.3
    /// A ghost's radius: its cell and the sensor's jitter around it (about ±0.1 m).
    static let ghostRadius: Float = 0.45
    private var count = 0
    private var ld2450Count = 0
    /// LD2450: per grid cell (x, y index), the targets seen in it, the sum of their positions and of their squared
    /// speeds (m/s).
    private var cells: [Cell: Place] = [:]
    private struct Place {
        var seen = 0, x = 0.0, y = 0.0, speedSquares = 0.0

        mutating func add(_ o: Place) {
            (seen, x, y, speedSquares) = (seen + o.seen, x + o.x, y + o.y, speedSquares + o.speedSquares)
        }
    }
    private struct Cell: Hashable { var x: Int, y: Int }
    private var mean = [Double](repeating: 0, count: 2 * RadarCalibration.gates)
    private var m2 = [Double](repeating: 0, count: 2 * RadarCalibration.gates)
    /// Time covered: the gaps between consecutive reports up to a second (several recordings, or a pause, do not
    /// count the time between them).
    private var covered: Int64 = 0
    private var last: Int64?

    public init() {}

    /// Reports taken so far: LD2410 engineering reports (basic reports carry no per-gate energies and are not
    /// counted), or LD2450 reports.
    public var reports: Int { count + ld2450Count }

    public mutating func add(_ report: LD2410Report, at t: Int64) {
        guard report.isEngineering else { return }
        count += 1
        cover(t)
        for g in 0..<RadarCalibration.gates {
            let values = (g < report.movingGateEnergies.count ? Double(report.movingGateEnergies[g]) : 0,
                          g < report.stillGateEnergies.count ? Double(report.stillGateEnergies[g]) : 0)
            update(g, values.0)
            update(RadarCalibration.gates + g, values.1)
        }
    }

    public mutating func add(_ targets: LD2450Targets, at t: Int64) {
        ld2450Count += 1
        cover(t)
        for target in targets where target.isPresent {
            let x = Double(target.xMm) / 1000, y = Double(target.yMm) / 1000
            let cell = Cell(x: Int((Float(x) / Self.cell).rounded(.down)), y: Int((Float(y) / Self.cell).rounded(.down)))
            let v = Double(target.speedCmS) / 100
            cells[cell, default: Place()].add(Place(seen: 1, x: x, y: y, speedSquares: v * v))
        }
    }

    private mutating func cover(_ t: Int64) {
        if let last, t >= last, t - last <= Nanos.perSecond { covered += t - last }
        last = t
    }

    private mutating func update(_ i: Int, _ x: Double) {
        let delta = x - mean[i]
        mean[i] += delta / Double(count)
        m2[i] += delta * (x - mean[i])
    }

    /// The calibration, or nil without a single engineering report or LD2450 report. (Both in one calibration:
    /// the LD2410's, as the radar the room is seen with most.)
    public func calibration() -> RadarCalibration? {
        if count == 0 && ld2450Count > 0 { return ld2450Calibration() }
        guard count > 0 else { return nil }
        let n = RadarCalibration.gates
        let spread = (0..<(2 * n)).map { Float(count > 1 ? (m2[$0] / Double(count - 1)).squareRoot() : 0) }
        let means = mean.map { Float($0) }
        // Reports come about ten times a second: a single report still stands for a tenth of a second.
        let seconds = max(0.1, Nanos.toSeconds(covered))
        return RadarCalibration(sensor: .ld2410, movingMean: Array(means[0..<n]), movingSpread: Array(spread[0..<n]),
                                stillMean: Array(means[n...]), stillSpread: Array(spread[n...]), reports: count, seconds: seconds)
    }

    /// The ghosts: the grid's cells gathered into places, most seen first (a cell within a place's radius of its
    /// centre joins it, moving the centre to the mean of their targets: a ghost on a cell border is one place),
    /// then the places seen in at least `ghostShare` of the reports. At most 16 (the sensor tracks three targets).
    /// A ghost's speed: 2.5 times the RMS speed of its targets (a vibrating appliance's jitter, nearly all of it),
    /// at least `RadarGhost.stillSpeed` and at most `fastestSpeed` (someone who walked through during the
    /// calibration adds a few fast reports to hundreds: they barely move it).
    private func ld2450Calibration() -> RadarCalibration {
        var places: [Place] = []
        let r2 = Double(Self.ghostRadius * Self.ghostRadius)
        for c in cells.sorted(by: { ($0.value.seen, $1.key.x, $1.key.y) > ($1.value.seen, $0.key.x, $0.key.y) }).map(\.value) {
            let (x, y) = (c.x / Double(c.seen), c.y / Double(c.seen))
            if let i = places.firstIndex(where: { p in
                let (dx, dy) = (p.x / Double(p.seen) - x, p.y / Double(p.seen) - y)
                return dx * dx + dy * dy <= r2
            }) {
                places[i].add(c)
            } else {
                places.append(c)
            }
        }
        let ghosts = places.filter { Float($0.seen) >= Self.ghostShare * Float(ld2450Count) }.sorted { $0.seen > $1.seen }.prefix(16).map {
            let rms = Float(($0.speedSquares / Double($0.seen)).squareRoot())
            return RadarGhost(x: Float($0.x / Double($0.seen)), y: Float($0.y / Double($0.seen)), radius: Self.ghostRadius,
                              share: min(1, Float($0.seen) / Float(ld2450Count)),
                              speed: min(RadarGhost.fastestSpeed, max(RadarGhost.stillSpeed, 2.5 * rms)))
        }
        return RadarCalibration(ld2450Ghosts: Array(ghosts), reports: ld2450Count, seconds: max(0.1, Nanos.toSeconds(covered)))
    }
}
