// swift-tools-version:6.1
// presenced's benchmarks (ordo-one/benchmark), a package of their own so that
// the main build and `make test` do not carry the benchmark tooling.
//   make bench        (swift package --package-path Benchmarks benchmark)
import PackageDescription

/// A benchmark executable in Benchmarks/NAME, built optimised, using presenced's `products`.
func benchmark(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark"), "BenchmarkFloor"]
            + products.map { .product(name: $0, package: "presenced") } + extra,
        path: "Benchmarks/\(name)",
        swiftSettings: [.unsafeFlags(["-O"])],
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "presenced-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "presenced", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The empty benchmark every executable registers: the floor its malloc counts are measured against.
        .target(name: "BenchmarkFloor", dependencies: [.product(name: "Benchmark", package: "benchmark")], path: "Sources/BenchmarkFloor"),
        // ALSA for the bare snd_pcm_readi baseline (the main package's module map under another name: system library targets are not products).
        .systemLibrary(name: "CALSABench", path: "Sources/CALSABench", pkgConfig: "alsa"),
        benchmark("Capture", ["PresenceCapture"], extra: ["CALSABench"]),
        benchmark("Audio", ["PresenceDSP", "PresenceSimulator"]),
        benchmark("Fusion", ["PresenceFusion"]),
        benchmark("Pipeline", ["PresenceFusion", "PresenceRecording", "PresencePipeline", "PresenceSimulator"]),
        benchmark("Video", ["PresenceDSP", "PresenceSimulator"]),
    ]
)
