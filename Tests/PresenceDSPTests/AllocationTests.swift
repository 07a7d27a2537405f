import Foundation
import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceDSP

/// The per-frame and per-chunk kernels allocate nothing in steady state (DESIGN.md §8), counted per thread by
/// the allocation counter `make test` preloads (scripts/alloc/). Without it these are skipped.
@Suite(.enabled(if: AllocationCounter.available, "make test preloads scripts/alloc's counter"))
struct AllocationTests {
    /// Noise around a grey level with a bright box that moves 3 pixels a frame: foreground, blobs, the opening.
    static func frames(_ count: Int) -> [VideoFrame] {
        var rng = SplitMix64(seed: 3)
        return (0..<count).map { k in
            var luma = [UInt8](repeating: 0, count: 320 * 240)
            for i in luma.indices { luma[i] = UInt8(80 + Int(rng.next() % 8)) }
            for y in 100..<180 { for x in (k * 3 % 250)..<(k * 3 % 250 + 40) { luma[y * 320 + x] = 200 } }
            return VideoFrame(width: 320, height: 240, luma: luma)
        }
    }

    @Test func theVideoFeaturesAllocateNothingPerFrame() {
        let frames = Self.frames(160)
        let video = VideoFeatureExtractor()
        var t: Int64 = 0
        // Past the learning frames, into steady state with someone moving.
        for k in 0..<120 {
            video.process(frames[k], at: t)
            t += 66 * Nanos.perMillisecond
            if k % 2 == 0 { _ = video.takeTickSummary() }
        }
        var k = 120
        let n = AllocationCounter.allocations {
            while k < 160 {
                video.process(frames[k], at: t)
                t += 66 * Nanos.perMillisecond
                if k % 2 == 0 { _ = video.takeTickSummary() }
                k += 1
            }
        }
        #expect(n == 0, "\(n) allocations in 40 frames")
    }

    @Test func theAudioFeaturesAllocateNothingPerChunk() {
        var rng = SplitMix64(seed: 5)
        let chunks = (0..<100).map { _ in
            AudioChunk(sampleRate: 16000, samples: (0..<320).map { _ in Int16(truncatingIfNeeded: Int(rng.next() % 4000) - 2000) })
        }
        let audio = AudioFeatureExtractor()
        for c in chunks.prefix(50) { audio.process(c) }
        _ = audio.takeTickSummary()
        var k = 50
        let n = AllocationCounter.allocations {
            while k < 100 {
                audio.process(chunks[k])
                if k % 5 == 0 { _ = audio.takeTickSummary() }
                k += 1
            }
        }
        #expect(n == 0, "\(n) allocations in 50 chunks of 20 ms")
    }

    /// Quiet, then loud bursts: the sound classifier runs its network (not only the quiet gate) in steady state.
    @Test func theSoundClassifierAllocatesNothingPerClassification() throws {
        var rng = SplitMix64(seed: 9)
        let chunks = (0..<300).map { k in
            let loud = k >= 100 && k % 25 < 12
            return AudioChunk(sampleRate: 16000, samples: (0..<320).map { i in
                let phase: Double = 2 * Double.pi * Double(220 + k) * Double(k * 320 + i) / 16000
                let tone: Double = loud ? 9000 * sin(phase) : 0
                let hiss = Int(rng.next() % 200) - 100
                return Int16(truncatingIfNeeded: Int(tone) + hiss)
            })
        }
        let audio = AudioFeatureExtractor()
        let classifier = try #require(audio.soundClassifier)
        for c in chunks.prefix(150) { audio.process(c) }
        _ = audio.takeTickSummary()
        let runs = classifier.runs
        var k = 150
        let n = AllocationCounter.allocations {
            while k < 300 {
                audio.process(chunks[k])
                if k % 5 == 0 { _ = audio.takeTickSummary() }
                k += 1
            }
        }
        #expect(classifier.runs - runs >= 5 && classifier.scores.contains { $0 > 0 })
        #expect(n == 0, "\(n) allocations in 3 s of sound, \(classifier.runs - runs) classifications")
    }
}
