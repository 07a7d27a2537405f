import Foundation
import PresenceCore

/// First-cut audio features: 32 ms Hann windows with 50 % overlap, FFTW power
/// spectrum, window level in dBFS, a tracked noise floor, the share of energy
/// in the speech band and spectral flux. Results are summarised per tick.
public final class AudioFeatureExtractor {
    public struct TickSummary: Sendable, Equatable {
        public var maxLevel: Float = -120
        public var maxAboveFloor: Float = 0
        public var speechRatio: Float = 0
        public var maxFlux: Float = 0
        public var windows = 0
    }

    private var sampleRate = 0
    private var plan: FFTWPlan?
    private var window: [Float] = []
    private var pending: [Float] = []
    private var frame: [Float] = []
    private var power: [Float] = []
    private var previousLogPower: [Float] = []
    private var noiseFloor: Float = .nan
    private var speechBins = 0..<0
    private var summary = TickSummary()
    private var speechEnergy: Float = 0
    private var loudEnergy: Float = 0

    public init() {}

    public func process(_ chunk: AudioChunk) {
        if chunk.sampleRate != sampleRate { configure(rate: chunk.sampleRate) }
        guard let plan else { return }
        pending.reserveCapacity(pending.count + chunk.samples.count)
        for s in chunk.samples { pending.append(Float(s) / 32768) }
        let hop = plan.size / 2
        var offset = 0
        while pending.count - offset >= plan.size {
            analyse(pending[offset..<(offset + plan.size)], plan: plan)
            offset += hop
        }
        pending.removeFirst(offset)
    }

    /// The summary since the previous call; resets it.
    public func takeTickSummary() -> TickSummary {
        var s = summary
        s.speechRatio = loudEnergy > 0 ? speechEnergy / loudEnergy : 0
        summary = TickSummary()
        speechEnergy = 0
        loudEnergy = 0
        return s
    }

    private func configure(rate: Int) {
        sampleRate = rate
        guard rate >= 8000 else { plan = nil; return }
        // 32 ms rounded to an even size; 512 at 16 kHz.
        let n = Int((Double(rate) * 0.032).rounded() / 2) * 2
        plan = FFTWPlan(size: n)
        window = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
        frame = [Float](repeating: 0, count: n)
        previousLogPower = []
        pending = []
        noiseFloor = .nan
        let binHz = Double(rate) / Double(n)
        speechBins = Int(300 / binHz)..<min(n / 2 + 1, Int(3400 / binHz) + 1)
    }

    private func analyse(_ samples: ArraySlice<Float>, plan: FFTWPlan) {
        var sumSquares: Float = 0
        for (i, s) in samples.enumerated() {
            frame[i] = s * window[i]
            sumSquares += s * s
        }
        let level = 10 * log10(sumSquares / Float(samples.count) + 1e-12)
        frame.withUnsafeBufferPointer { plan.powerSpectrum($0, into: &power) }

        var total: Float = 0, speech: Float = 0, flux: Float = 0
        // Skip DC and the lowest bins: mains hum and handling noise say nothing about people.
        let first = max(1, Int(Float(power.count) * 50 / Float(sampleRate / 2)))
        if previousLogPower.count != power.count { previousLogPower = [Float](repeating: -120, count: power.count) }
        for k in first..<power.count {
            total += power[k]
            if speechBins.contains(k) { speech += power[k] }
            let lp = 10 * log10(power[k] + 1e-12)
            flux += max(0, lp - previousLogPower[k])
            previousLogPower[k] = lp
        }
        flux /= Float(power.count - first)

        // The floor falls at once to a quieter window and rises by 3 dB a second.
        let windowsPerSecond = Float(sampleRate) / Float(plan.size / 2)
        noiseFloor = noiseFloor.isNaN ? level : min(level, noiseFloor + 3 / windowsPerSecond)
        let above = level - noiseFloor

        summary.windows += 1
        summary.maxLevel = max(summary.maxLevel, level)
        summary.maxAboveFloor = max(summary.maxAboveFloor, above)
        summary.maxFlux = max(summary.maxFlux, flux)
        // Only windows clearly above the floor say anything about what the sound is.
        if above > 6 {
            speechEnergy += speech
            loudEnergy += total
        }
    }
}
