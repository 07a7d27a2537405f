import Foundation
import Testing
@testable import PresenceDSP

/// RBJ cookbook biquads against their known responses: the analytic gain at the
/// corner and at the extremes, and the gain measured by filtering sines.
@Suite struct BiquadTests {
    /// RMS gain of the filter on a sine at `frequency` over 40 periods, after the transient (the first quarter).
    static func measured(_ filter: Biquad, frequency: Double, rate: Double) -> Double {
        var f = filter
        var inSum = 0.0, outSum = 0.0
        let n = Int(max(4 * rate, 40 * rate / frequency)), skip = n / 4
        for i in 0..<n {
            let x = sin(2 * Double.pi * frequency * Double(i) / rate)
            let y = Double(f.process(Float(x)))
            if i >= skip {
                inSum += x * x
                outSum += y * y
            }
        }
        return (outSum / inSum).squareRoot()
    }

    @Test func lowpassIsFlatBelowThreeDecibelsDownAtTheCornerAndFallsAbove() {
        let lp = Biquad(.lowpass, frequency: 1000, rate: 16000)
        #expect(abs(lp.gain(at: 0, rate: 16000) - 1) < 1e-6)
        #expect(abs(lp.gain(at: 1000, rate: 16000) - 0.5.squareRoot()) < 1e-4)
        // Second order: 12 dB per octave well above the corner (a quarter of the gain per doubling).
        #expect(lp.gain(at: 4000, rate: 16000) < 0.08)
        for f in [100.0, 1000, 3000] {
            #expect(abs(Self.measured(lp, frequency: f, rate: 16000) - lp.gain(at: f, rate: 16000)) < 0.01, "\(f) Hz")
        }
    }

    @Test func highpassBlocksDirectCurrent() {
        let hp = Biquad(.highpass, frequency: 60, rate: 16000)
        #expect(hp.gain(at: 0, rate: 16000) < 1e-6)
        #expect(abs(hp.gain(at: 60, rate: 16000) - 0.5.squareRoot()) < 1e-4)
        #expect(abs(hp.gain(at: 4000, rate: 16000) - 1) < 1e-3)
        #expect(abs(Self.measured(hp, frequency: 1000, rate: 16000) - 1) < 0.01)
    }

    @Test func bandpassPeaksAtUnityOnItsCentre() {
        // The breathing band at a 10 Hz tick rate.
        let bp = Biquad(.bandpass, frequency: 0.25, rate: 10, q: 0.7)
        #expect(abs(bp.gain(at: 0.25, rate: 10) - 1) < 1e-4)
        #expect(bp.gain(at: 0.01, rate: 10) < 0.1 && bp.gain(at: 4, rate: 10) < 0.1)
        #expect(abs(Self.measured(bp, frequency: 0.25, rate: 10) - 1) < 0.02)
    }
}
