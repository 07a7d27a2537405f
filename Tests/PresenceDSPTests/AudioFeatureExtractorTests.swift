import Foundation
import PresenceCore
import Testing
@testable import PresenceDSP

@Suite struct AudioFeatureExtractorTests {
    static func chunk(seconds: Double, rate: Int = 16000, _ f: (Double) -> Double) -> AudioChunk {
        let n = Int(seconds * Double(rate))
        return AudioChunk(sampleRate: rate, samples: (0..<n).map { Int16(clamping: Int(f(Double($0) / Double(rate)).rounded())) })
    }

    @Test func levelOfAFullScaleSineIsAboutMinus3dBFS() {
        let a = AudioFeatureExtractor()
        a.process(Self.chunk(seconds: 0.5) { 32767 * sin(2 * .pi * 1000 * $0) })
        let s = a.takeTickSummary()
        #expect(abs(s.maxLevel - (-3.01)) < 0.2)
        #expect(s.windows == Int((0.5 * 16000 - 512) / 256) + 1)
    }

    /// Uniform noise of the given peak amplitude (sample units), from a seeded LCG: the same every run.
    final class Hiss {
        private var state: UInt64
        private let amplitude: Double

        init(seed: UInt64, amplitude: Double) {
            state = seed
            self.amplitude = amplitude
        }

        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: state) >> 40) / Double(1 << 23) * amplitude
        }
    }

    @Test func voiceBandToneAfterQuietStandsAboveTheFloorAndRumbleDoesNot() {
        let hiss = Hiss(seed: 1, amplitude: 30).next
        let voice = AudioFeatureExtractor()
        voice.process(Self.chunk(seconds: 2) { _ in hiss() })
        _ = voice.takeTickSummary()
        voice.process(Self.chunk(seconds: 0.1) { 3000 * sin(2 * .pi * 700 * $0) + hiss() })
        let v = voice.takeTickSummary()
        #expect(v.maxAboveFloor > 30)
        #expect(v.speechRatio > 0.9)

        let rumble = AudioFeatureExtractor()
        rumble.process(Self.chunk(seconds: 2) { _ in hiss() })
        _ = rumble.takeTickSummary()
        rumble.process(Self.chunk(seconds: 0.1) { 3000 * sin(2 * .pi * 120 * $0) + hiss() })
        let r = rumble.takeTickSummary()
        #expect(r.maxAboveFloor > 30)
        #expect(r.speechRatio < 0.1)
    }
}

extension AudioFeatureExtractorTests {
    /// Clips spliced together often start with a silent window; the same steady sound after it must not
    /// stand far above the floor (it did by 60 dB when one window set the floor).
    @Test func aSilentWindowBetweenStretchesOfTheSameNoiseIsNotANewSound() {
        let hiss = Hiss(seed: 7, amplitude: 300).next
        let a = AudioFeatureExtractor()
        a.process(Self.chunk(seconds: 2) { _ in hiss() })
        _ = a.takeTickSummary()
        a.process(AudioChunk(sampleRate: 16000, samples: [Int16](repeating: 0, count: 512)))
        a.process(Self.chunk(seconds: 1) { _ in hiss() })
        #expect(a.takeTickSummary().maxAboveFloor < 6)
    }
}
