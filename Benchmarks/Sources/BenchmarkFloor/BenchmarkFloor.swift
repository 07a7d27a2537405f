import Benchmark

/// The name scripts/bench.py looks for in every benchmark executable.
public let floorBenchmarkName = "Floor (an empty measured iteration)"

/// Registers an iteration that does nothing, measured like every other benchmark of the executable. The
/// benchmark tool counts some mallocs of its own per iteration; "extra mallocs" in BENCHMARKS.md are a
/// benchmark's count minus this floor. Taking the floor from the fewest mallocs of any benchmark instead
/// would make "0 extra" true by construction in an executable with one benchmark.
public func registerFloorBenchmark() {
    Benchmark(floorBenchmarkName) { benchmark in
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations { blackHole(i) }
        benchmark.stopMeasurement()
    }
}
