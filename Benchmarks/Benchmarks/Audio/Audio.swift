// Audio features per second of 16 kHz audio (issue 6: at least 1000x real time,
// so at most 1 ms per second of audio): 32 ms windows with 50 % overlap, FFT,
// mel bands, flatness, pitch strength, voice score, as the pipeline runs them,
// on the microphone of a simulated sit-still scene (voice, footsteps, room tone).
// With the sound classifier (issue 23: the whole path at least 300x real time):
// a television talking all the time, so that the network runs every half second,
// beside the same path without the classifier; and the network alone, 8 lanes
// beside its scalar twin.
import Benchmark
import BenchmarkFloor
import PresenceCore
import PresenceDSP
import PresenceSimulator

func chunks(_ scene: SimulatedScene = .sitStill) -> [AudioChunk] {
    var out: [AudioChunk] = []
    Simulator(scene: scene, duration: 30 * Nanos.perSecond, seed: 1).run { o in
        if case .sample(let s) = o, case .audio(let a) = s.payload { out.append(a) }
    }
    return out
}

/// One second of audio per iteration (50 chunks of 20 ms and 10 ticks) through `extractor`, after 2 s to settle.
func measure(_ benchmark: Benchmark, _ extractor: AudioFeatureExtractor, _ all: [AudioChunk]) {
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

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 5_000)
    registerFloorBenchmark()
    let all = chunks()
    Benchmark("Audio features per second of audio (presenced)") { benchmark in
        measure(benchmark, AudioFeatureExtractor(), all)
    }

    let television = chunks(.television)
    for (name, model) in [("presenced: with the sound classifier", Optional(SoundModelFile.builtin)),
                          ("baseline: without the sound classifier", nil)] {
        Benchmark("Audio features per second of a television (\(name))") { benchmark in
            measure(benchmark, AudioFeatureExtractor(soundModel: model), television)
        }
    }

    // One classification of a second of sound: the convolutions 8 bands at a time, and their scalar twin.
    for scalar in [false, true] {
        Benchmark("Sound classifier, one second of sound (\(scalar ? "baseline: scalar twin" : "presenced"))") { benchmark in
            let network = try! SoundModelFile.builtin.network()
            let scratch = SoundNetwork.Scratch(for: network)
            var rng = SplitMix64(seed: 4)
            let patch = (0..<(network.frames * network.bands)).map { _ in -80 + Float(rng.next() % 6000) / 100 }
            var logits = [Float](repeating: 0, count: network.classes)
            benchmark.startMeasurement()
            patch.withUnsafeBufferPointer { p in
                logits.withUnsafeMutableBufferPointer { out in
                    for _ in benchmark.scaledIterations {
                        if scalar { network.logitsScalar(p, scratch: scratch, into: out) } else { network.logits(p, scratch: scratch, into: out) }
                        blackHole(out[0])
                    }
                }
            }
            benchmark.stopMeasurement()
        }
    }
}
