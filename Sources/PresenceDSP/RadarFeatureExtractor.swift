import PresenceCore

/// First-cut radar features from decoded reports: the strongest moving return,
/// the strongest still return beyond the mounting gates, the target range, and
/// the spread of the still energy over 10 s (breathing makes it wobble).
public struct RadarFeatureExtractor: Sendable {
    public struct TickSummary: Sendable, Equatable {
        public var moving: Float = 0
        public var still: Float = 0
        public var distance: Float = 0
        public var microMotion: Float = 0
        public var reports = 0
    }

    /// 10 s of reports at 10 Hz.
    static let historyLength = 100
    private var stillHistory: [Float] = []
    private var summary = TickSummary()
    private var previous = TickSummary()

    public init() {}

    public mutating func process(_ report: RadarReport) {
        switch report {
        case .ld2410(let r):
            let moving = r.isEngineering ? Float(r.movingGateEnergies.max() ?? 0) : Float(r.hasMovingTarget ? r.movingEnergy : 0)
            let still = r.isEngineering ? Float(r.stillGateEnergies.dropFirst(2).max() ?? 0) : Float(r.hasStillTarget ? r.stillEnergy : 0)
            summary.moving = max(summary.moving, moving)
            summary.still = max(summary.still, still)
            summary.distance = r.targetState == 0 ? 0 : Float(r.detectionDistanceCm) / 100
            record(still)
        case .ld2450(let targets):
            let present = targets.filter(\.isPresent)
            let fastest = present.map { abs(Float($0.speedCmS)) }.max() ?? 0
            // Targets carry no energy; map a tracked target to a strong still return, speed to motion.
            summary.moving = max(summary.moving, min(100, fastest * 2))
            summary.still = max(summary.still, present.isEmpty ? 0 : 60)
            summary.distance = present.map { Float(Int($0.yMm)) / 1000 }.min() ?? 0
            record(present.isEmpty ? 0 : 60)
        }
        summary.reports += 1
    }

    /// The tick's summary. Reports come at about the tick rate but not in step
    /// with it, so a tick without a report repeats the previous one's energies.
    public mutating func takeTickSummary() -> TickSummary {
        var s = summary.reports > 0 ? summary : previous
        s.reports = summary.reports
        s.microMotion = standardDeviation(stillHistory)
        if summary.reports > 0 { previous = summary }
        summary = TickSummary()
        return s
    }

    private mutating func record(_ still: Float) {
        stillHistory.append(still)
        if stillHistory.count > Self.historyLength { stillHistory.removeFirst(stillHistory.count - Self.historyLength) }
    }

    private func standardDeviation(_ xs: [Float]) -> Float {
        guard xs.count > 1 else { return 0 }
        let mean = xs.reduce(0, +) / Float(xs.count)
        let v = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(xs.count - 1)
        return v.squareRoot()
    }
}
