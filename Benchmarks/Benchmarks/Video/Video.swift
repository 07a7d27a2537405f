// Background subtraction per 320x240 frame (issue 6): the whole model
// (illumination compensation, classification, the 3x3 opening, the largest
// blob, frame difference) on the frames of a simulated walk-through, the same
// frames `scripts/peers/bgs_vs_mog2.py` gives OpenCV's MOG2 in the same run.
import Benchmark
import BenchmarkFloor
import PresenceCore
import PresenceDSP
import PresenceSimulator

/// The camera frames of `presenced simulate --scene walk-through --duration 60s --seed 3`.
func frames() -> [VideoFrame] {
    var out: [VideoFrame] = []
    Simulator(scene: .walkThrough, duration: 60 * Nanos.perSecond, seed: 3).run { o in
        if case .sample(let s) = o, case .video(let f) = s.payload { out.append(f) }
    }
    return out
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 20_000)
    registerFloorBenchmark()
    let all = frames()

    Benchmark("Background subtraction 320x240 per frame (presenced)") { benchmark in
        let model = BackgroundSubtractor()
        var mask: [UInt8] = []
        // Past the learning frames, into steady state.
        for f in all.prefix(60) { blackHole(model.process(f, mask: &mask)) }
        var i = 60
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(model.process(all[i], mask: &mask))
            i = i + 1 < all.count ? i + 1 : 60
        }
        benchmark.stopMeasurement()
    }
}
