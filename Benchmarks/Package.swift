// swift-tools-version:6.1
// presenced's benchmarks (ordo-one/benchmark), a package of their own so that
// the main build and `make test` do not carry the benchmark tooling.
//   make bench        (swift package --package-path Benchmarks benchmark)
import PackageDescription

let package = Package(
    name: "presenced-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "presenced", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // ALSA for the bare snd_pcm_readi baseline (the main package's module map under another name: system library targets are not products).
        .systemLibrary(name: "CALSABench", path: "Sources/CALSABench", pkgConfig: "alsa"),
        .executableTarget(
            name: "Capture",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PresenceCapture", package: "presenced"),
                "CALSABench",
            ],
            path: "Benchmarks/Capture",
            swiftSettings: [.unsafeFlags(["-O"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Audio",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PresenceDSP", package: "presenced"),
                .product(name: "PresenceRecording", package: "presenced"),
            ],
            path: "Benchmarks/Audio",
            swiftSettings: [.unsafeFlags(["-O"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Pipeline",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PresenceRecording", package: "presenced"),
                .product(name: "PresenceService", package: "presenced"),
            ],
            path: "Benchmarks/Pipeline",
            swiftSettings: [.unsafeFlags(["-O"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Video",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PresenceDSP", package: "presenced"),
                .product(name: "PresenceRecording", package: "presenced"),
            ],
            path: "Benchmarks/Video",
            swiftSettings: [.unsafeFlags(["-O"])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
