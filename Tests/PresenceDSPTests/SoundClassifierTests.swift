import Foundation
import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceDSP

@Suite struct SoundClassifierTests {
    static let model = SoundModelFile.builtin
    static let onnx = TestSupport.repoRoot.appendingPathComponent("models/sound.onnx").path
    static let check = TestSupport.repoRoot.appendingPathComponent("scripts/pycheck/sound_check.py").path

    /// Eight seconds of sounds with the shapes the classes differ by, over hiss: a voiced sweep with
    /// harmonics and a syllable rhythm, a noise burst, a chirp, a click train. Deterministic.
    static func sounds() -> [Int16] {
        let rate = 16000.0
        let hiss = AudioFeatureExtractorTests.Hiss(seed: 3, amplitude: 80).next
        return (0..<128_000).map { n in
            let t = Double(n) / rate
            var v = hiss()
            switch t {
            case 1..<3:
                let f0 = 120 + 50 * t
                let syllables = 0.5 + 0.5 * sin(2 * .pi * 4 * t)
                for h in 1...8 { v += 2500 / Double(h) * syllables * sin(2 * .pi * f0 * Double(h) * t) }
            case 3.5..<4.5: v += 40 * hiss()
            case 5..<6.5: v += 4000 * sin(2 * .pi * (300 + 2000 * (t - 5)) * (t - 5))
            case 7..<8: if n % 8000 < 40 { v += 12000 * hiss() / 80 }
            default: break
            }
            return Int16(clamping: Int(v.rounded()))
        }
    }

    /// `count` patches of raw dB spread over the sounds, made with the extractor's own window, FFT and
    /// filterbank (the classifier's ring is private).
    static func patches(count: Int) -> [[Float]] {
        var frames: [[Float]] = []
        let plan = FFTWPlan(size: 512)
        let window = (0..<512).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / 512)) }
        let mel = MelFilterbank(bands: 32, size: 512, rate: 16000)
        let samples = sounds().map { Float($0) / 32768 }
        var power = [Float](repeating: 0, count: 257), energies = [Float](repeating: 0, count: 32)
        for start in stride(from: 0, through: samples.count - 512, by: 256) {
            let frame = (0..<512).map { samples[start + $0] * window[$0] }
            frame.withUnsafeBufferPointer { plan.powerSpectrum($0, into: &power) }
            mel.energies(power, into: &energies)
            frames.append(energies.map { 10 * log10($0 + 1e-12) })
        }
        return (0..<count).map { k in
            let end = 64 + k * (frames.count - 64) / max(1, count - 1)
            return Array(frames[(end - 64)..<end].joined())
        }
    }

    @Test func theBuiltInModelIsTheShippedFileAndFitsThisBuild() throws {
        let shipped = try Data(contentsOf: TestSupport.repoRoot.appendingPathComponent("models/sound.model"))
        #expect(Data(SoundModelFile.builtinJSON.utf8) == shipped)
        let network = try Self.model.network()
        #expect(Self.model.classes == Feature.soundClasses)
        #expect(network.frames == 64 && network.bands == 32 && network.classes == Feature.soundClasses.count)
    }

    @Test func eightLanesGiveWhatTheScalarTwinGives() throws {
        let network = try Self.model.network()
        let scratch = SoundNetwork.Scratch(for: network)
        for patch in Self.patches(count: 12) {
            var fast = [Float](repeating: 0, count: network.classes), slow = fast
            patch.withUnsafeBufferPointer { p in
                fast.withUnsafeMutableBufferPointer { network.logits(p, scratch: scratch, into: $0) }
                slow.withUnsafeMutableBufferPointer { network.logitsScalar(p, scratch: scratch, into: $0) }
            }
            #expect(zip(fast, slow).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(fast) vs \(slow)")
        }
    }

    @Test func theNetworkGivesWhatOnnxruntimeGivesOnTheExportedModel() throws {
        let network = try Self.model.network()
        let scratch = SoundNetwork.Scratch(for: network)
        let patches = Self.patches(count: 16)
        let logits = patches.map { patch in
            var out = [Float](repeating: 0, count: network.classes)
            patch.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { network.logits(p, scratch: scratch, into: $0) } }
            return out
        }
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("patches.json")
        try JSONSerialization.data(withJSONObject: ["patches": patches, "logits": logits]).write(to: file)
        let run = try TestSupport.run(TestSupport.python, [Self.check, Self.onnx, file.path])
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
    }

    /// From samples to scores: the extractor's windows and mel bands, the ring, the patch and the network
    /// against scripts/sound/frontend.py and onnxruntime on the same samples.
    @Test func theWholePathFromSamplesMatchesTheTrainingFrontEndAndOnnxruntime() throws {
        let samples = Self.sounds()
        let dir = try TestSupport.temporaryDirectory()
        let wav = dir.appendingPathComponent("sounds.wav")
        try WAV.pcm16(samples, rate: 16000).write(to: wav)
        let a = AudioFeatureExtractor()
        let c = try #require(a.soundClassifier)
        var runs: [[String: Any]] = []
        for start in stride(from: 0, to: samples.count, by: 320) {
            let before = c.runs
            a.process(AudioChunk(sampleRate: 16000, samples: Array(samples[start..<min(samples.count, start + 320)])))
            // A 20 ms chunk completes one or two windows, so at most one classification.
            if c.runs > before, c.scores.contains(where: { $0 > 0 }) {
                runs.append(["frame": c.windowsAtLastRun, "scores": c.scores])
            }
        }
        #expect(runs.count >= 8, "classified \(runs.count) loud seconds")
        let file = dir.appendingPathComponent("runs.json")
        try JSONSerialization.data(withJSONObject: ["wav": wav.path, "runs": runs]).write(to: file)
        let run = try TestSupport.run(TestSupport.python, [Self.check, Self.onnx, file.path])
        #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
    }

    @Test func theInt8VariantDecidesAsTheFloatOne() throws {
        let float = try Self.model.network(), int8 = try Self.model.network(int8: true)
        let scratch = SoundNetwork.Scratch(for: float)
        let person = Set(Self.model.personClasses.compactMap { Self.model.classes.firstIndex(of: $0) })
        var same = 0
        let patches = Self.patches(count: 40)
        for patch in patches {
            var f = [Float](repeating: 0, count: float.classes), q = f
            patch.withUnsafeBufferPointer { p in
                f.withUnsafeMutableBufferPointer { float.logits(p, scratch: scratch, into: $0) }
                q.withUnsafeMutableBufferPointer { int8.logits(p, scratch: scratch, into: $0) }
            }
            let (fa, qa) = (f.indices.max { f[$0] < f[$1] }!, q.indices.max { q[$0] < q[$1] }!)
            if person.contains(fa) == person.contains(qa) { same += 1 }
            #expect(zip(f, q).allSatisfy { abs($0 - $1) < 0.5 }, "\(f) vs \(q)")
        }
        #expect(same == patches.count)
    }

    @Test func aQuietSecondIsNotClassified() {
        let a = AudioFeatureExtractor()
        let hiss = AudioFeatureExtractorTests.Hiss(seed: 5, amplitude: 60).next
        a.process(AudioFeatureExtractorTests.chunk(seconds: 3) { _ in hiss() })
        let s = a.takeTickSummary()
        #expect(a.soundClassifier!.runs >= 4)
        #expect(s.sound == SIMD8<Float>())
    }

    @Test func aLoudSoundIsClassifiedAndItsScoresAreFeatures() {
        let a = AudioFeatureExtractor()
        let samples = Self.sounds()
        a.process(AudioChunk(sampleRate: 16000, samples: Array(samples[0..<40_000])))
        var f = FeatureVector(t: 0)
        a.takeTickSummary().write(into: &f)
        let scores = (0..<Feature.soundClasses.count).map { f[.audioSound($0)] }
        #expect(abs(scores.reduce(0, +) - 1) < 1e-4, "\(scores)")
        #expect(AudioFeatureExtractor(soundModel: nil).soundClassifier == nil)
    }

    @Test func aModelForOtherClassesOrAnotherFrontEndIsRefused() throws {
        var other = Self.model
        other.classes = ["speech", "other"]
        #expect(throws: SoundModelError.self) { try other.network() }
        other = Self.model
        other.frontend.bands = 40
        #expect(throws: SoundModelError.self) { try other.network() }
        other = Self.model
        other.layers[0].weights?[0] = .nan
        #expect(throws: SoundModelError.self) { try other.network() }
        other = Self.model
        other.layers.removeLast()
        #expect(throws: SoundModelError.self) { try other.network() }
        #expect(throws: SoundModelError.self) { try SoundModelFile.decode(Data("{}".utf8), name: "x") }
    }
}

/// A 16-bit mono WAV file's bytes.
enum WAV {
    static func pcm16(_ samples: [Int16], rate: Int) -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + 2 * samples.count)
        d.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(1); u16(1); u32(rate); u32(2 * rate); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(2 * samples.count)
        for s in samples { withUnsafeBytes(of: s.littleEndian) { d.append(contentsOf: $0) } }
        return d
    }
}
