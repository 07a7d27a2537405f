import Foundation
import PresenceCore

/// Radar features from decoded reports, per tick:
/// - the strongest moving return, and the strongest still return beyond the
///   mounting gates (0-1 see the ceiling or wall the sensor is fixed to);
/// - the same as excess over each gate's own level in this room (`GateBaseline`: a
///   calibration, the room's first seconds, then a slow adaptation), so static
///   clutter, a fan or a radiator that always reflects at one gate stops looking like a person; and that excess
///   averaged over the last second (a person's return stays, a cat's or a passing reflection's flickers);
/// - target range, and its speed (an LD2410's range low-passed with a biquad, then differentiated);
/// - breathing: a 20 s window of the strongest still energy through an FFT, the
///   share and amplitude of its power at 0.1-0.5 Hz (someone asleep still breathes; an LD2450 reports no energy);
/// - the LD2450's tracked target count and fastest speed (a target standing still at one of
///   the calibration's ghosts, or one that never walked anywhere (`LD2450Tracks`), is not counted).
/// Nothing is allocated per report or tick once running.
public final class RadarFeatureExtractor {
    public struct TickSummary: Sendable, Equatable {
        public var moving: Float = 0
        public var still: Float = 0
        public var movingExcess: Float = 0
        public var stillExcess: Float = 0
        public var movingExcessSecond: Float = 0
        public var stillExcessSecond: Float = 0
        public var distance: Float = 0
        public var speed: Float = 0
        public var microMotion: Float = 0
        public var breathingShare: Float = 0
        public var breathingAmplitude: Float = 0
        public var targets: Float = 0
        public var overGateThreshold: Float = 0
        public var reports = 0

        /// The radar's features of the tick.
        public func write(into f: inout FeatureVector) {
            f[.radarMoving] = moving
            f[.radarStill] = still
            f[.radarDistance] = distance
            f[.radarMicroMotion] = microMotion
            f[.radarMovingExcess] = movingExcess
            f[.radarStillExcess] = stillExcess
            f[.radarMovingExcessSecond] = movingExcessSecond
            f[.radarStillExcessSecond] = stillExcessSecond
            f[.radarSpeed] = speed
            f[.radarBreathingShare] = breathingShare
            f[.radarBreathingAmplitude] = breathingAmplitude
            f[.radarTargets] = targets
            f[.radarOverGateThreshold] = overGateThreshold
        }
    }

    /// Ticks of still energy the breathing spectrum looks at: 20 s at 10 Hz.
    static let breathingWindow = 200
    /// Breathing: 0.1-0.5 Hz (6-30 breaths a minute).
    static let breathingBand = 0.1...0.5
    static let tickRate = 10.0

    private var summary = TickSummary()
    /// The last second's ticks of moving and still excess, for their means (`radar_*_excess_1s`).
    private var excessSeries = [(moving: Float, still: Float)](repeating: (0, 0), count: Int(tickRate))
    private var excessNext = 0
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
    /// The gate thresholds of `radar_over_gate_threshold`: the calibration's, or the factory's.
    private var thresholds: LD2410GateThresholds
    /// An LD2450's ghosts (its calibration's): targets there, moving no faster than the ghost, are not counted.
    private var ghosts: [RadarGhost]
    /// An LD2450's targets followed from report to report: only those that walked in count (`LD2450Tracks`).
    private var tracks = LD2450Tracks()
    /// Where an LD2450's targets count (the live page's zones and range).
    public var zones = RadarZones()
    private var rangeFilter = Biquad(.lowpass, frequency: 1, rate: tickRate)
    private var lastRange: Float?
    /// The last report, for `view` (the live page): an LD2410 engineering report's gates or an LD2450's targets.
    private var lastGates: (moving: GateEnergies, still: GateEnergies)?
    private var lastTargets: LD2450Targets?
    /// Which of the last LD2450 report's targets count (a person by its track, inside the zones): bit n, slot n.
    private var lastCounted: UInt8 = 0

    /// What the live page draws of the radar, made on demand (only while a browser watches).
    public struct View: Sendable, Equatable {
        /// The last engineering report's energy per gate (0-8), moving and still; empty without one.
        public var moving: [Float] = [], still: [Float] = []
        /// The room's baseline per gate (calibrated or adapted), and where energy starts to stand over it.
        public var baselineMoving: [Float] = [], baselineStill: [Float] = []
        public var overMoving: [Float] = [], overStill: [Float] = []
        /// The module's own gate thresholds (the calibration's or the factory's), where its OUT pin goes high.
        public var gateMoving: [Float] = [], gateStill: [Float] = []
        /// An LD2450's targets: metres across (x) and out (y), speed in m/s, and whether it counts (not a ghost
        /// of the calibration, inside the zones). `tracksTargets`: the radar is one that reports them.
        public var targets: [Target] = []
        public var tracksTargets = false

        public struct Target: Sendable, Equatable {
            public var x: Float, y: Float, speed: Float, counted: Bool

            public init(x: Float, y: Float, speed: Float, counted: Bool) {
                (self.x, self.y, self.speed, self.counted) = (x, y, speed, counted)
            }
        }
    }

    /// The radar reports targets one by one (an LD2450), so `radar_targets` counts people.
    public var countsTargets: Bool { lastTargets != nil }

    public var view: View {
        var v = View()
        if let g = lastGates {
            let gates = GateBaseline.gates
            v.moving = (0..<gates).map { $0 < g.moving.count ? Float(g.moving[$0]) : 0 }
            v.still = (0..<gates).map { $0 < g.still.count ? Float(g.still[$0]) : 0 }
            v.baselineMoving = (0..<gates).map { baseline.level[$0] }
            v.baselineStill = (0..<gates).map { baseline.level[gates + $0] }
            v.overMoving = (0..<gates).map { baseline.threshold($0) }
            v.overStill = (0..<gates).map { baseline.threshold(gates + $0) }
            v.gateMoving = thresholds.moving.map(Float.init)
            v.gateStill = thresholds.still.map(Float.init)
        }
        if let targets = lastTargets {
            v.tracksTargets = true
            v.targets = targets.indices.filter { targets[$0].isPresent }.map {
                let t = targets[$0]
                return View.Target(x: Float(t.xMm) / 1000, y: Float(t.yMm) / 1000, speed: Float(t.speedCmS) / 100,
                                   counted: lastCounted & (1 << $0) != 0)
            }
        }
        return v
    }

    /// `calibration`: the empty room learned by `presenced calibrate`, the baseline from the first report; nil: the
    /// room's first 20 s set it. Either way it then adapts to the room (`GateBaseline`).
    public init(calibration: RadarCalibration? = nil) {
        baseline = GateBaseline(calibration: calibration)
        thresholds = calibration?.gateThresholds ?? .factory
        ghosts = calibration?.ghosts ?? []
    }

    /// A new calibration (SIGHUP): the baseline starts from it. Without one, what was learned so far stays.
    public func recalibrate(_ calibration: RadarCalibration?) {
        guard let calibration else { return }
        baseline = GateBaseline(calibration: calibration)
        thresholds = calibration.gateThresholds
        ghosts = calibration.ghosts
    }

    public func process(_ report: RadarReport) {
        switch report {
        case .ld2410(let r):
            let moving = r.isEngineering ? Float(r.movingGateEnergies.max() ?? 0) : Float(r.hasMovingTarget ? r.movingEnergy : 0)
            let still = r.isEngineering ? Float(r.stillGateEnergies.dropFirst(2).max() ?? 0) : Float(r.hasStillTarget ? r.stillEnergy : 0)
            summary.moving = max(summary.moving, moving)
            summary.still = max(summary.still, still)
            if r.isEngineering {
                lastGates = (r.movingGateEnergies, r.stillGateEnergies)
                let e = baseline.excess(moving: r.movingGateEnergies, still: r.stillGateEnergies)
                summary.movingExcess = max(summary.movingExcess, e.moving)
                summary.stillExcess = max(summary.stillExcess, e.still)
                // Breathing and micro-motion are looked for in what stands out over the room, not in the strongest
                // static reflection (whose noise would hide a sitter at another gate).
                tickStill = max(tickStill, e.standOut)
                if thresholds.holdTarget(moving: r.movingGateEnergies, still: r.stillGateEnergies) { summary.overGateThreshold = 1 }
            } else {
                if r.targetState != 0 { summary.overGateThreshold = 1 }
                summary.movingExcess = max(summary.movingExcess, moving)
                summary.stillExcess = max(summary.stillExcess, still)
            }
            summary.distance = r.targetState == 0 ? 0 : Float(r.detectionDistanceCm) / 100
            summary.targets = max(summary.targets, r.targetState == 0 ? 0 : 1)
            if !r.isEngineering { tickStill = max(tickStill, still) }
        case .ld2450(let targets):
            lastTargets = targets
            var count: Float = 0, fastest: Float = 0, nearest: Float = .infinity
            lastCounted = tracks.observe(targets) { t in ghosts.contains { $0.explains(t) } }
            for (slot, t) in targets.enumerated() where lastCounted & (1 << slot) != 0 {
                guard zones.counts(t) else {
                    lastCounted &= ~(1 << slot)
                    continue
                }
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
            // The module's own verdict (ESPHome's LD2450 presence: any target), ghosts and all.
            if targets.contains(where: \.isPresent) { summary.overGateThreshold = 1 }
            summary.speed = max(summary.speed, fastest)
            // No energies, so no breathing or micro-motion to look for: a target lost and found again by the
            // module would look like both, and hold a room the person has left.
        }
        summary.reports += 1
    }

    /// The tick's summary. Reports come at about the tick rate but not in step with it, so a tick without a
    /// report repeats the previous one's values. `room`: what the pipeline believes, which sets how fast the
    /// per-gate baseline adapts to this tick's last report.
    public func takeTickSummary(room: RoomBelief = .vacant) -> TickSummary {
        var s = summary.reports > 0 ? summary : previous
        s.reports = summary.reports
        if summary.reports > 0 {
            addToSeries(tickStill)
            baseline.adapt(room)
        }
        baseline.forgetPending()
        if lastTargets != nil { tracks.adapt(room, seconds: 1 / Self.tickRate) }
        // Range speed from the low-passed range (a target that vanishes is no movement).
        if s.distance > 0 {
            let r = rangeFilter.process(s.distance)
            // An LD2450 reports its targets' speed; range jitter is not movement.
            if let last = lastRange, s.targets > 0, summary.speed == 0, !countsTargets { s.speed = abs(r - last) * Float(Self.tickRate) }
            lastRange = r
        } else {
            rangeFilter.reset()
            lastRange = nil
        }
        excessSeries[excessNext] = (s.movingExcess, s.stillExcess)
        excessNext = (excessNext + 1) % excessSeries.count
        s.movingExcessSecond = excessSeries.reduce(0) { $0 + $1.moving } / Float(excessSeries.count)
        s.stillExcessSecond = excessSeries.reduce(0) { $0 + $1.still } / Float(excessSeries.count)
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
