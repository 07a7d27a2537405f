// Audio features per second of 16 kHz audio (issue 6: at least 1000x real time,
// so at most 1 ms per second of audio): 32 ms windows with 50 % overlap, FFT,
// mel bands, flatness, pitch strength, voice score, as the pipeline runs them,
// on the microphone of a simulated sit-still scene (voice, footsteps, room tone).
import Benchmark
import BenchmarkFloor
import PresenceCore
import PresenceDSP
import PresenceSimulator

func chunks() -> [AudioChunk] {
    var out: [AudioChunk] = []
    Simulator(scene: .sitStill, duration: 30 * Nanos.perSecond, seed: 1).run { o in
        if case .sample(let s) = o, case .audio(let a) = s.payload { out.append(a) }
    }
    return out
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 5_000)
    registerFloorBenchmark()
    let all = chunks()
    // 50 chunks of 20 ms: one second of audio per iteration.
    Benchmark("Audio features per second of audio (presenced)") { benchmark in
        let extractor = AudioFeatureExtractor()
        for c in all.prefix(100) { extractor.process(c) }
        var i = 100
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<50 {
                extractor.process(all[i])
                i = i + 1 < all.count ? i + 1 : 100
            }
            for _ in 0..<10 { blackHole(extractor.takeTickSummary()) }
        }
        benchmark.stopMeasurement()
    }
}
