import Foundation
import PresenceCore
import PresenceTestSupport
import Testing
@testable import PresenceCapture

/// Real ALSA capture through its `file` plugin (RECIPES.md): a raw file is read
/// by the real `snd_pcm_readi` path, so what our code captures must be that
/// file, bit for bit.
@Suite(.serialized) struct MicrophoneCaptureTests {
    /// Two seconds of a deterministic pattern covering the whole 16-bit range.
    static let input: [Int16] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<32000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int16(truncatingIfNeeded: state >> 48)
        }
    }()

    /// ALSA reads its configuration once per process: set it up before any test opens a PCM.
    static let configured: Result<Void, Error> = Result {
        let dir = try TestSupport.temporaryDirectory("alsa")
        let raw = dir.appendingPathComponent("input.raw")
        try input.withUnsafeBytes { Data($0) }.write(to: raw)
        setenv("ALSA_CONFIG_PATH", try ALSAFilePlugin.config(device: "presenced_test_replay", input: raw.path, in: dir), 1)
    }

    @Test func captureThroughALSAIsBitExact() throws {
        try Self.configured.get()
        let input = Self.input

        let mic = MicrophoneDevice(name: "presenced_test_replay", rate: 16000, clock: CaptureClock())
        try mic.open()
        defer { mic.close() }
        #expect(mic.rate == 16000 && mic.periodFrames == 320)
        var captured: [Int16] = []
        var times: [Int64] = []
        // The plugin reads unpaced and never signals the end: read exactly the file's length.
        while captured.count < input.count {
            try mic.read(timeoutMs: 1000) { sample in
                guard case .audio(let chunk) = sample.payload else { return }
                #expect(chunk.sampleRate == 16000)
                captured += chunk.samples
                times.append(sample.t)
            }
        }
        #expect(Array(captured.prefix(input.count)) == input)
        #expect(mic.overruns == 0)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 + Nanos.perSecond })
    }

    @Test func aMissingDeviceSaysWhy() throws {
        try Self.configured.get()
        let mic = MicrophoneDevice(name: "presenced_no_such_pcm", rate: 16000, clock: CaptureClock())
        #expect(throws: CaptureError.self) { try mic.open() }
        do {
            try mic.open()
        } catch {
            #expect(error.reason.hasPrefix("open presenced_no_such_pcm:"), "\(error.reason)")
        }
    }
}
