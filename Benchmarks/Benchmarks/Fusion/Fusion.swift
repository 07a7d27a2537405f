// Fusion per tick (issue 7: MLP inference at most 20 µs per tick): the built-in
// model on a tick with all three sensors, which is four passes through the
// network (p(occupied) and each sensor's own score). Beside it, the first-cut
// hand-set fusion it replaced, measured in the same run.
import Benchmark
import BenchmarkFloor
import PresenceCore
import PresenceFusion

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 1_000_000)
    registerFloorBenchmark()
    var f = FeatureVector(t: 0, present: .all)
    var rng = SplitMix64(seed: 1)
    for i in f.values.indices { f.values[i] = Float(rng.next() % 1000) / 100 }
    let tick = f

    Benchmark("Fusion per tick, trained MLP (presenced)") { benchmark in
        let fusion = try MLPFusion(model: .builtin)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(fusion.classify(tick)) }
        benchmark.stopMeasurement()
    }

    Benchmark("Fusion per tick, trained MLP (baseline: first-cut hand-set fusion)") { benchmark in
        let fusion = HeuristicFusion()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(fusion.classify(tick)) }
        benchmark.stopMeasurement()
    }
}
