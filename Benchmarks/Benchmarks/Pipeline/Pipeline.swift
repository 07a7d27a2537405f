// The pipeline per sample in steady state (issue 6: the whole replay at least
// 200x real time on one core, with no allocation per sample): every sample of a
// simulated sit-still minute (320x240 at 15 fps, 16 kHz audio in 20 ms chunks,
// LD2410 engineering frames at 10 Hz) through Pipeline.ingest, over and over,
// each pass re-based in time. Reading and decoding the recording is not in it.
import Benchmark
import PresenceCore
import PresenceRecording
import PresenceService

func samples() -> [Sample] {
    var out: [Sample] = []
    Simulator(scene: .sitStill, duration: 60 * Nanos.perSecond, seed: 1).run { o in
        if case .sample(let s) = o { out.append(s) }
    }
    return out
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 200_000)
    let all = samples()
    let span = (all.last?.t ?? 0) - (all.first?.t ?? 0) + 100 * Nanos.perMillisecond

    let sets: [(String, Set<SensorKind>)] = [("all samples", [.camera, .audio, .radar]), ("camera frames", [.camera]),
                                              ("audio chunks", [.audio]), ("radar reads", [.radar])]
    for (name, sensors) in sets {
    let all = all.filter { sensors.contains($0.sensor) }
    Benchmark("Pipeline per sample, \(name) (presenced)") { benchmark in
        let pipeline = Pipeline(options: .init(tracker: PresenceConfig().fusion.trackerParameters, expectedSensors: [.camera, .audio, .radar]))
        var events: [PresenceEvent] = []
        events.reserveCapacity(16)
        var i = 0, pass: Int64 = 0
        func next() -> Sample {
            var s = all[i]
            s.t += pass * span
            i += 1
            if i == all.count { i = 0; pass += 1 }
            return s
        }
        // A whole pass first: learning, noise floors, baselines and buffers settle.
        for _ in 0..<all.count { pipeline.ingest(next(), events: &events) }
        events.removeAll(keepingCapacity: true)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            pipeline.ingest(next(), events: &events)
            events.removeAll(keepingCapacity: true)
        }
        benchmark.stopMeasurement()
    }
    }
}
