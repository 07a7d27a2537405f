import Foundation
import Testing
@testable import PresenceDSP

@Suite struct FFTWPlanTests {
    /// The FFTW power spectrum equals a direct DFT's, bin for bin.
    @Test func powerSpectrumMatchesNaiveDFT() {
        let n = 64
        let signal: [Float] = (0..<n).map { i in
            let x = Double(i)
            let tone: Double = sin(x * 0.7) + 0.3 * cos(x * 2.1)
            return Float(tone + Double(i % 5) * 0.05)
        }
        let plan = FFTWPlan(size: n)
        var power: [Float] = []
        signal.withUnsafeBufferPointer { plan.powerSpectrum($0, into: &power) }
        #expect(power.count == n / 2 + 1)
        for k in 0...(n / 2) {
            var re = 0.0, im = 0.0
            for (i, x) in signal.enumerated() {
                re += Double(x) * cos(2 * .pi * Double(k * i) / Double(n))
                im -= Double(x) * sin(2 * .pi * Double(k * i) / Double(n))
            }
            let expected = re * re + im * im
            #expect(abs(Double(power[k]) - expected) <= 1e-3 * max(1, expected), "bin \(k)")
        }
    }
}
