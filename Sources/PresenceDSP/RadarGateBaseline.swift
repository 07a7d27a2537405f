import PresenceCore

/// What the pipeline believes about the room while the radar's baseline adapts to it.
public enum RoomBelief: Sendable, Equatable {
    /// Someone is there (by the fused decision): the baseline barely moves, so a person who sits still is not
    /// learned away.
    case occupied
    /// Nobody, by the fused decision alone (it may rest on the radar itself).
    case vacant
    /// Vacant for a whole hold, and the camera or the microphone agrees: the baseline may follow the room.
    case confirmedEmpty
}

/// Per-gate level of an LD2410's engineering energies (moving gates 0-8, still gates 0-8), against which the
/// radar's excess features are measured. Two things are kept per gate:
/// - a level: a slow tracker of the 90th percentile of the gate's energy. It starts at a calibration's (mean +
///   1.28 σ), or without one at the highest energy of the first second of reports (taken as the room: anyone
///   there then is learned, until they leave). Then it rises by at most `rise` energy units an hour, which
///   depends on the room (`RoomBelief`), and falls nine times as fast: static clutter, a ghost that never
///   changes, a new appliance fade into it; someone sitting still for an hour does not (at most 15 units an
///   hour while occupied).
/// - a spread: a calibration's standard deviation, or one learned while the room is confirmed empty (about a
///   minute of reports), otherwise `defaultSpread`.
/// Energy above level + spread is excess: with a steady gate that is about mean + 2.3 σ.
struct GateBaseline {
    static let gates = 9
    static let channels = 2 * gates
    /// The level's percentile: the rise and fall steps stand 1 : 9.
    static let fallPerRise: Float = 9
    /// Energy units an hour the level may rise, by what the pipeline believes about the room.
    static func rise(_ room: RoomBelief) -> Float {
        switch room {
        case .occupied: 15
        case .vacant: 60
        case .confirmedEmpty: 600
        }
    }
    /// Reports an hour at the LD2410's 10 a second.
    static let reportsPerHour: Float = 36_000
    /// Without a calibration, the highest energy of the first second's reports sets the level (ten reports: about
    /// the 90th percentile of a steady gate, and too short for someone walking in to be learned).
    static let settlingReports = 10
    /// The spread of a gate whose spread was never measured: an empty gate's noise on real modules and ours.
    static let defaultSpread: Float = 4
    /// The learned spread's rate while confirmed empty: about a minute of reports.
    static let spreadRate: Float = 1.0 / 600

    private(set) var level = [Float](repeating: 0, count: channels)
    private var mean = [Float](repeating: 0, count: channels)
    private var meanSquare = [Float](repeating: 0, count: channels)
    /// Reports the spread was learned from (a calibration counts as plenty).
    private var spreadReports = 0
    /// Below this many, a learned spread is not trusted yet (10 s of confirmed empty room).
    static let spreadTrustedAfter = 100
    /// Reports seen; the level is set by the first one when there is no calibration.
    private var seen = 0
    private let calibrated: Bool
    /// The last report's energies, waiting for the pipeline's verdict on the tick.
    private var pending = [Float](repeating: 0, count: channels)
    private var hasPending = false

    init(calibration: RadarCalibration? = nil) {
        guard let c = calibration, c.sensor == .ld2410, c.problem == nil else {
            calibrated = false
            return
        }
        calibrated = true
        mean = c.movingMean + c.stillMean
        let spread = c.movingSpread + c.stillSpread
        meanSquare = zip(mean, spread).map { $0 * $0 + $1 * $1 }
        level = zip(mean, spread).map { $0 + 1.28 * $1 }
        spreadReports = max(c.reports, Self.spreadTrustedAfter)
    }

    /// (moving, still) excess over the baseline, gates 0-8 moving and 2-8 still, and how far the still energy
    /// stands out over its level at the gate where it does most (gates 2-8; 0 when nowhere): a signal that carries
    /// a sitter's breathing wherever they are, and stays near 0 in an empty room however cluttered. Remembers the
    /// report for `adapt`.
    mutating func excess(moving: GateEnergies, still: GateEnergies) -> (moving: Float, still: Float, standOut: Float) {
        var m: Float = 0, s: Float = 0, standOut: Float = 0
        for g in 0..<Self.gates {
            pending[g] = g < moving.count ? Float(moving[g]) : 0
            pending[Self.gates + g] = g < still.count ? Float(still[g]) : 0
        }
        // In place: assigning the array would share its buffer and copy it at the next report (an allocation).
        if seen == 0 && !calibrated { for i in 0..<Self.channels { level[i] = pending[i] } }
        for g in 0..<Self.gates {
            m = max(m, pending[g] - threshold(g))
            guard g >= 2 else { continue }
            let i = Self.gates + g
            s = max(s, pending[i] - threshold(i))
            standOut = max(standOut, pending[i] - level[i])
        }
        hasPending = true
        return (m, s, standOut)
    }

    /// Moves the level (and while confirmed empty the spread) towards the last report.
    mutating func adapt(_ room: RoomBelief) {
        guard hasPending else { return }
        hasPending = false
        let settling = !calibrated && seen < Self.settlingReports
        seen += 1
        let up = Self.rise(room) / Self.reportsPerHour
        let down = up * Self.fallPerRise
        for i in 0..<Self.channels {
            let x = pending[i]
            if settling {
                level[i] = max(level[i], x)
            } else {
                level[i] = x > level[i] ? min(x, level[i] + up) : max(x, level[i] - down)
            }
        }
        guard room == .confirmedEmpty else { return }
        // A running mean at first (the first report counts whole), then an exponential one.
        spreadReports += 1
        let r = max(Self.spreadRate, 1 / Float(spreadReports))
        for i in 0..<Self.channels {
            mean[i] += r * (pending[i] - mean[i])
            meanSquare[i] += r * (pending[i] * pending[i] - meanSquare[i])
        }
    }

    mutating func forgetPending() { hasPending = false }

    func spread(_ i: Int) -> Float {
        spreadReports >= Self.spreadTrustedAfter ? max(1, max(0, meanSquare[i] - mean[i] * mean[i]).squareRoot()) : Self.defaultSpread
    }

    func threshold(_ i: Int) -> Float { level[i] + spread(i) }
}
