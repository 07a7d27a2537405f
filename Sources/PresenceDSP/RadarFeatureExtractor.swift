import Foundation
import PresenceCore

/// Radar features from decoded reports, per tick:
/// - the strongest moving return, and the strongest still return beyond the
///   mounting gates (0-1 see the ceiling or wall the sensor is fixed to);
/// - the same as excess over a per-gate empty-room baseline (mean + 2σ of each
///   gate's energy, learned only while the pipeline says the room is empty), so a
///   fan or a radiator that always reflects at one gate stops looking like a person;
/// - target range, and its speed (range low-passed with a biquad, then differentiated);
/// - breathing: a 20 s window of the strongest still energy through an FFT, the
///   share and amplitude of its power at 0.1-0.5 Hz (someone asleep still breathes);
/// - the LD2450's tracked target count and fastest speed.
/// Nothing is allocated per report or tick once running.
public final class RadarFeatureExtractor {
    public struct TickSummary: Sendable, Equatable {
        public var moving: Float = 0
        public var still: Float = 0
        public var movingExcess: Float = 0
        public var stillExcess: Float = 0
        public var distance: Float = 0
        public var speed: Float = 0
        public var microMotion: Float = 0
        public var breathingShare: Float = 0
        public var breathingAmplitude: Float = 0
        public var targets: Float = 0
        public var reports = 0

        /// The radar's features of the tick.
        public func write(into f: inout FeatureVector) {
            f[.radarMoving] = moving
            f[.radarStill] = still
            f[.radarDistance] = distance
            f[.radarMicroMotion] = microMotion
            f[.radarMovingExcess] = movingExcess
            f[.radarStillExcess] = stillExcess
            f[.radarSpeed] = speed
            f[.radarBreathingShare] = breathingShare
            f[.radarBreathingAmplitude] = breathingAmplitude
            f[.radarTargets] = targets
        }
    }

    /// Ticks of still energy the breathing spectrum looks at: 20 s at 10 Hz.
    static let breathingWindow = 200
    /// Breathing: 0.1-0.5 Hz (6-30 breaths a minute).
    static let breathingBand = 0.1...0.5
    static let tickRate = 10.0

    private var summary = TickSummary()
    private var previous = TickSummary()
    private var stillSeries = [Float](repeating: 0, count: breathingWindow)
    private var seriesNext = 0
    private var seriesFilled = 0
    private var tickStill: Float = 0
    private let plan = FFTWPlan(size: breathingWindow)
    private var windowed = [Float](repeating: 0, count: breathingWindow)
    private var power = [Float](repeating: 0, count: breathingWindow / 2 + 1)
    private let hann: [Float] = (0..<breathingWindow).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(breathingWindow))) }
    private var baseline: GateBaseline
    private var rangeFilter = Biquad(.lowpass, frequency: 1, rate: tickRate)
    private var lastRange: Float?

    /// `calibration`: the empty room learned by `presenced calibrate`, the baseline from the first report (it
    /// still follows the room while the pipeline says it is empty); nil: learned from the first empty hold.
    public init(calibration: RadarCalibration? = nil) {
        baseline = GateBaseline(calibration: calibration)
    }

    /// A new calibration (SIGHUP): the baseline starts from it. Without one, what was learned so far stays.
    public func recalibrate(_ calibration: RadarCalibration?) {
        guard let calibration else { return }
        baseline = GateBaseline(calibration: calibration)
    }

    public func process(_ report: RadarReport) {
        switch report {
        case .ld2410(let r):
            let moving = r.isEngineering ? Float(r.movingGateEnergies.max() ?? 0) : Float(r.hasMovingTarget ? r.movingEnergy : 0)
            let still = r.isEngineering ? Float(r.stillGateEnergies.dropFirst(2).max() ?? 0) : Float(r.hasStillTarget ? r.stillEnergy : 0)
            summary.moving = max(summary.moving, moving)
            summary.still = max(summary.still, still)
            if r.isEngineering {
                let (m, s) = baseline.excess(moving: r.movingGateEnergies, still: r.stillGateEnergies)
                summary.movingExcess = max(summary.movingExcess, m)
                summary.stillExcess = max(summary.stillExcess, s)
            } else {
                summary.movingExcess = max(summary.movingExcess, moving)
                summary.stillExcess = max(summary.stillExcess, still)
            }
            summary.distance = r.targetState == 0 ? 0 : Float(r.detectionDistanceCm) / 100
            summary.targets = max(summary.targets, r.targetState == 0 ? 0 : 1)
            tickStill = max(tickStill, still)
        case .ld2450(let targets):
            var count: Float = 0, fastest: Float = 0, nearest: Float = .infinity
            for t in targets where t.isPresent {
                count += 1
                fastest = max(fastest, abs(Float(t.speedCmS)) / 100)
                nearest = min(nearest, Float(Int(t.yMm)) / 1000)
            }
            // Targets carry no energy; map a tracked target to a strong still return, speed to motion.
            summary.moving = max(summary.moving, min(100, fastest * 200))
            summary.still = max(summary.still, count > 0 ? 60 : 0)
            summary.movingExcess = max(summary.movingExcess, min(100, fastest * 200))
            summary.stillExcess = max(summary.stillExcess, count > 0 ? 60 : 0)
            summary.distance = count > 0 ? nearest : 0
            summary.targets = max(summary.targets, count)
            summary.speed = max(summary.speed, fastest)
            tickStill = max(tickStill, count > 0 ? 60 : 0)
        }
        summary.reports += 1
    }

    /// The tick's summary. Reports come at about the tick rate but not in step with it, so a tick without a
    /// report repeats the previous one's values. `roomEmpty`: the pipeline is sure nobody is there, so the
    /// per-gate baseline may learn from this tick's reports (the ones since the last call).
    public func takeTickSummary(roomEmpty: Bool = false) -> TickSummary {
        var s = summary.reports > 0 ? summary : previous
        s.reports = summary.reports
        if summary.reports > 0 {
            addToSeries(tickStill)
            if roomEmpty { baseline.learn() }
        }
        baseline.forgetPending()
        // Range speed from the low-passed range (a target that vanishes is no movement).
        if s.distance > 0 {
            let r = rangeFilter.process(s.distance)
            if let last = lastRange, s.targets > 0, summary.speed == 0 { s.speed = abs(r - last) * Float(Self.tickRate) }
            lastRange = r
        } else {
            rangeFilter.reset()
            lastRange = nil
        }
        s.microMotion = standardDeviation()
        (s.breathingShare, s.breathingAmplitude) = breathing()
        if summary.reports > 0 { previous = summary }
        summary = TickSummary()
        tickStill = 0
        return s
    }

    private func addToSeries(_ x: Float) {
        stillSeries[seriesNext] = x
        seriesNext = (seriesNext + 1) % Self.breathingWindow
        seriesFilled = min(seriesFilled + 1, Self.breathingWindow)
    }

    /// Spread of the still energy over the last 10 s (100 ticks).
    private func standardDeviation() -> Float {
        let n = min(seriesFilled, 100)
        guard n > 1 else { return 0 }
        var sum: Float = 0, sumSquares: Float = 0
        for k in 0..<n {
            let x = stillSeries[(seriesNext - 1 - k + Self.breathingWindow) % Self.breathingWindow]
            sum += x
            sumSquares += x * x
        }
        let mean = sum / Float(n)
        return max(0, (sumSquares - Float(n) * mean * mean) / Float(n - 1)).squareRoot()
    }

    /// (share of the non-DC power at 0.1-0.5 Hz, amplitude of that band in energy units); zeros until 20 s are there.
    private func breathing() -> (Float, Float) {
        guard seriesFilled == Self.breathingWindow else { return (0, 0) }
        var mean: Float = 0
        for x in stillSeries { mean += x }
        mean /= Float(Self.breathingWindow)
        for i in 0..<Self.breathingWindow {
            windowed[i] = (stillSeries[(seriesNext + i) % Self.breathingWindow] - mean) * hann[i]
        }
        windowed.withUnsafeBufferPointer { plan.powerSpectrum($0, into: &power) }
        let binHz = Self.tickRate / Double(Self.breathingWindow)
        var band: Float = 0, all: Float = 0
        for k in 1..<power.count {
            all += power[k]
            if Self.breathingBand.contains(Double(k) * binHz) { band += power[k] }
        }
        guard all > 0 else { return (0, 0) }
        // Amplitude: the band's RMS in the window's units (Hann's coherent gain is 0.5, its power sum N x 0.375).
        let amplitude = (2 * band / (Float(Self.breathingWindow) * Float(Self.breathingWindow) * 0.375)).squareRoot()
        return (band / all, amplitude)
    }
}

/// Per-gate empty-room baseline of an LD2410's engineering energies: running mean and variance per
/// gate, taken only from reports the pipeline vouches for as empty; energy above mean + 2σ is excess.
struct GateBaseline {
    static let gates = 9
    /// About a minute of empty room at 10 reports a second.
    static let rate: Float = 1.0 / 600
    private var mean = [Float](repeating: 0, count: 2 * gates)
    private var meanSquare = [Float](repeating: 0, count: 2 * gates)
    private var learned = false
    /// The last report's energies, waiting for the pipeline's verdict on the tick.
    private var pending = [Float](repeating: 0, count: 2 * gates)
    private var hasPending = false

    /// Learned from the first empty reports, or taken from a calibration (mean, and spread as mean square).
    init(calibration: RadarCalibration? = nil) {
        guard let c = calibration, c.problem == nil else { return }
        mean = c.movingMean + c.stillMean
        let spread = c.movingSpread + c.stillSpread
        meanSquare = zip(mean, spread).map { $0 * $0 + $1 * $1 }
        learned = true
    }

    /// (moving, still) excess over the baseline, gates 0-8 moving and 2-8 still; remembers the report for `learn`.
    mutating func excess(moving: GateEnergies, still: GateEnergies) -> (Float, Float) {
        var m: Float = 0, s: Float = 0
        for g in 0..<Self.gates {
            let mv = g < moving.count ? Float(moving[g]) : 0, st = g < still.count ? Float(still[g]) : 0
            pending[g] = mv
            pending[Self.gates + g] = st
            m = max(m, mv - limit(g))
            if g >= 2 { s = max(s, st - limit(Self.gates + g)) }
        }
        hasPending = true
        return (max(0, m), max(0, s))
    }

    /// Learns from the last report.
    mutating func learn() {
        guard hasPending else { return }
        // The first empty report sets the baseline; later ones move it slowly.
        let r = learned ? Self.rate : 1
        for i in mean.indices {
            mean[i] += r * (pending[i] - mean[i])
            meanSquare[i] += r * (pending[i] * pending[i] - meanSquare[i])
        }
        learned = true
        hasPending = false
    }

    mutating func forgetPending() { hasPending = false }

    private func limit(_ i: Int) -> Float {
        guard learned else { return 0 }
        return mean[i] + 2 * max(0, meanSquare[i] - mean[i] * mean[i]).squareRoot()
    }
}
