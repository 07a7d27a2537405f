// The whole replay in steady state (issue 6: at least 200x real time on one core
// for 320x240 at 15 fps plus 16 kHz audio plus 10 Hz radar, with no allocation
// per sample). One iteration is one second of a simulated sit-still minute (a
// person in view all along: the background model's costliest case), written as
// presenced records it (zstd chunks): 15 frames, 50 audio chunks of 20 ms, 10
// LD2410 engineering reads, 10 ticks.
// - "read, decoded and processed": RecordingReader and Pipeline, as `replay` runs them;
// - "processed": the same samples already decoded, through Pipeline alone;
// - "read and decoded": the reader alone, to show what the file format costs.
// At the end of the minute the recording starts again, re-based in time, so the
// pipeline sees one long run; that iteration reopens the file (an outlier).
import Benchmark
import BenchmarkFloor
import Foundation
import PresenceCore
import PresenceFusion
import PresenceRecording
import PresencePipeline
import PresenceSimulator

/// The recording, made once per machine in the temporary directory (the simulator takes a few seconds).
func recording() throws -> String {
    let path = NSTemporaryDirectory() + "/presenced-bench-sit-still-60s-v2.mcap"
    if !FileManager.default.fileExists(atPath: path) {
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try Simulator(scene: .sitStill, duration: 60 * Nanos.perSecond, seed: 1).write(to: partial)
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }
    return path
}

/// Reads the recording second by second, looping and re-basing time at its end.
final class SecondBySecond {
    let path: String
    private var reader: RecordingReader
    private var offset: Int64 = 0
    private var firstT: Int64?
    private var lastT: Int64 = 0
    private var nextBoundary: Int64?
    private var held: Sample?

    init(path: String) throws {
        self.path = path
        reader = try RecordingReader(path: path)
    }

    /// Every sample of the next second of recording, in order.
    func second(_ body: (Sample) -> Void) throws {
        if let s = held {
            held = nil
            nextBoundary = s.t + Nanos.perSecond
            body(s)
        }
        while true {
            guard let message = try reader.next() else {
                // The end: start again, later by the recording's length plus a tick.
                offset += lastT - (firstT ?? lastT) + 100 * Nanos.perMillisecond
                firstT = nil
                reader = try RecordingReader(path: path)
                continue
            }
            guard case .sample(var s) = message.content else { continue }
            if firstT == nil { firstT = s.t }
            lastT = s.t
            s.t += offset
            if nextBoundary == nil { nextBoundary = s.t + Nanos.perSecond }
            if s.t >= nextBoundary! {
                held = s
                return
            }
            body(s)
        }
    }
}

/// The pipeline as `replay` makes it with the default configuration: the built-in model.
func newPipeline() -> Pipeline {
    do {
        return Pipeline(options: .init(tracker: Tracker.Parameters(), expectedSensors: [.camera, .audio, .radar]),
                        classifier: try MLPFusion(model: .builtin))
    } catch {
        fatalError("the built-in model does not load: \(error)")
    }
}

/// A benchmark's state, made on its first run and kept across runs, so that every measured second
/// comes after the same warm-up (the benchmark calls its closure once per measured iteration).
/// Unchecked: the benchmark runs its closures one at a time on one thread.
final class Kept<State>: @unchecked Sendable {
    private var state: State?
    private let make: () throws -> State

    init(_ make: @escaping () throws -> State) { self.make = make }

    func get() throws -> State {
        if let state { return state }
        let s = try make()
        state = s
        return s
    }
}

/// Feeds a minute of decoded samples again and again, re-based in time, a second per call.
final class DecodedSeconds {
    private let all: [Sample]
    private let span: Int64
    private var i = 0
    private var pass: Int64 = 0

    init(path: String) throws {
        var all: [Sample] = []
        let reader = try RecordingReader(path: path)
        while let m = try reader.next() { if case .sample(let s) = m.content { all.append(s) } }
        self.all = all
        span = (all.last?.t ?? 0) - (all.first?.t ?? 0) + 100 * Nanos.perMillisecond
    }

    func second(_ body: (Sample) -> Void) {
        let end = all[i].t + pass * span + Nanos.perSecond
        while true {
            var s = all[i]
            s.t += pass * span
            if s.t >= end { return }
            body(s)
            i += 1
            if i == all.count { i = 0; pass += 1 }
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 10_000)
    registerFloorBenchmark()
    let path: String
    do {
        path = try recording()
    } catch {
        fatalError("Pipeline benchmark: cannot make its recording: \(error)")
    }

    // Half a minute first, in each: learning, noise floors, baselines and buffers settle.
    let whole = Kept { () throws -> (SecondBySecond, Pipeline) in
        let source = try SecondBySecond(path: path)
        let pipeline = newPipeline()
        var events: [PresenceEvent] = []
        for _ in 0..<30 { try source.second { pipeline.ingest($0, events: &events) } }
        return (source, pipeline)
    }
    Benchmark("Replay, one second of recording read, decoded and processed (presenced)") { benchmark in
        let (source, pipeline) = try whole.get()
        var events: [PresenceEvent] = []
        events.reserveCapacity(16)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try source.second { pipeline.ingest($0, events: &events) } }
        benchmark.stopMeasurement()
    }

    let reading = Kept { () throws -> SecondBySecond in
        let source = try SecondBySecond(path: path)
        for _ in 0..<30 { try source.second { blackHole($0) } }
        return source
    }
    Benchmark("Replay, one second of recording read and decoded (presenced)") { benchmark in
        let source = try reading.get()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try source.second { blackHole($0) } }
        benchmark.stopMeasurement()
    }

    let processing = Kept { () throws -> (DecodedSeconds, Pipeline) in
        let source = try DecodedSeconds(path: path)
        let pipeline = newPipeline()
        var events: [PresenceEvent] = []
        for _ in 0..<30 { source.second { pipeline.ingest($0, events: &events) } }
        return (source, pipeline)
    }
    Benchmark("Replay, one second of decoded samples processed (presenced)") { benchmark in
        let (source, pipeline) = try processing.get()
        var events: [PresenceEvent] = []
        events.reserveCapacity(16)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { source.second { pipeline.ingest($0, events: &events) } }
        benchmark.stopMeasurement()
    }
}
