// swift-tools-version:6.1
// presenced: sensor-fusion presence detection daemon. Each module's room and what it may import:
// ARCHITECTURE.md (DESIGN.md §2). Imports point down: presenced → PresenceService and PresenceReport →
// PresencePipeline → (PresenceFusion, PresenceDSP, PresenceRadar, PresenceRecording) → PresenceCore;
// PresenceSimulator and PresenceCapture beside the pipeline, never imported by it.
import PackageDescription

/// Per-pixel and per-sample code (the modules a sample passes through: Core, DSP,
/// Radar, Fusion, Pipeline, Recording, Simulator) is optimised even in debug
/// builds: unoptimised it runs 10-50x slower and allocates where the optimised
/// build does not, which would make `make test` (which replays minutes of 15 fps
/// video) slow and its allocation tests meaningless.
let hotKernels: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "presenced",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "presenced", targets: ["presenced"]),
        .executable(name: "presenced-fuzz", targets: ["presenced-fuzz"]),
        // For the benchmark package in Benchmarks/ (kept apart so that `make test` does not build it).
        .library(name: "PresenceCapture", targets: ["PresenceCapture"]),
        .library(name: "PresenceDSP", targets: ["PresenceDSP"]),
        .library(name: "PresenceFusion", targets: ["PresenceFusion"]),
        .library(name: "PresencePipeline", targets: ["PresencePipeline"]),
        .library(name: "PresenceRecording", targets: ["PresenceRecording"]),
        .library(name: "PresenceSimulator", targets: ["PresenceSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries from Debian's -dev packages (scripts/deps.sh installs them).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFFTW3", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CV4L2", pkgConfig: "libv4l2", providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        // V4L2 ioctls through libv4l2, termios2, eventfd: what Swift cannot call directly.
        .target(name: "CShims", linkerSettings: [.linkedLibrary("v4l2")]),

        .target(name: "PresenceCore", swiftSettings: hotKernels),
        // The built-in sound classifier is models/sound.model, embedded at build time (Plugins/EmbedModel).
        .target(name: "PresenceDSP", dependencies: ["PresenceCore", "CFFTW3"], swiftSettings: hotKernels, plugins: ["EmbedModel"]),
        .target(name: "PresenceRadar", dependencies: ["PresenceCore"], swiftSettings: hotKernels),
        // The built-in model is models/default.model, embedded at build time (Plugins/EmbedModel).
        .target(name: "PresenceFusion", dependencies: ["PresenceCore"], swiftSettings: hotKernels, plugins: ["EmbedModel"]),
        .plugin(name: "EmbedModel", capability: .buildTool(), dependencies: ["EmbedModelTool"]),
        .executableTarget(name: "EmbedModelTool", path: "Plugins/EmbedModelTool"),
        // The recording format only: MCAP reader and writer, message codecs, repair.
        .target(
            name: "PresenceRecording",
            dependencies: ["PresenceCore", "CZstd", "CLZ4", "CZlib"],
            exclude: ["Schemas/README.md", "Schemas/proto"],
            swiftSettings: hotKernels
        ),
        // Synthetic rooms: scenes, people, simulated camera, microphone and radar (`presenced simulate`).
        .target(name: "PresenceSimulator", dependencies: ["PresenceCore", "PresenceRadar", "PresenceRecording"], swiftSettings: hotKernels),
        // The pure pipeline (samples in, features, p(occupied) and events out) and the runs over recordings
        // that drive it: replay, evaluation (its metrics, baselines and traces), training.
        .target(
            name: "PresencePipeline",
            dependencies: ["PresenceCore", "PresenceDSP", "PresenceRadar", "PresenceFusion", "PresenceRecording"],
            swiftSettings: hotKernels
        ),
        // The evaluation report (metrics.json, HTML with SVG timelines, the text table) for `presenced eval`.
        .target(name: "PresenceReport", dependencies: ["PresenceCore", "PresencePipeline"]),
        // Live capture: camera, microphone and radar threads, reconnect with backoff, rings.
        .target(name: "PresenceCapture", dependencies: ["PresenceCore", "PresenceRadar", "CShims", "CALSA"]),
        .target(
            name: "PresenceService",
            dependencies: [
                "PresenceCore", "PresenceDSP", "PresenceFusion", "PresenceRadar", "PresenceRecording", "PresencePipeline", "PresenceCapture",
                "CShims", "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "presenced",
            dependencies: [
                "PresenceService", "PresencePipeline", "PresenceSimulator", "PresenceReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Fuzz targets: libFuzzer entry with `make fuzz` (-DFUZZING), a corpus replayer otherwise (Fuzz/README.md).
        .executableTarget(name: "presenced-fuzz", dependencies: [
            "PresenceRecording", "PresenceRadar", "PresenceService", .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Fuzz/Sources"),

        // Shared by the test targets: the binary, processes, the regression corpus.
        .target(name: "PresenceTestSupport", dependencies: ["PresenceCore", "PresenceRadar", "PresenceRecording", "PresenceSimulator", "CShims"],
                path: "Tests/PresenceTestSupport"),
        .testTarget(name: "PresenceCoreTests", dependencies: ["PresenceCore"]),
        .testTarget(name: "PresenceDSPTests", dependencies: ["PresenceDSP", "PresenceTestSupport"]),
        .testTarget(name: "PresenceRadarTests", dependencies: ["PresenceRadar"]),
        .testTarget(name: "PresenceFusionTests", dependencies: ["PresenceFusion"]),
        .testTarget(name: "PresenceCaptureTests", dependencies: ["PresenceCapture", "PresenceTestSupport", "CShims"]),
        .testTarget(name: "PresenceRecordingTests", dependencies: ["PresenceRecording", "PresenceSimulator", "PresenceTestSupport"]),
        .testTarget(name: "PresenceSimulatorTests", dependencies: ["PresenceSimulator", "PresenceRadar", "PresenceTestSupport"]),
        .testTarget(name: "PresencePipelineTests", dependencies: ["PresencePipeline", "PresenceDSP", "PresenceSimulator", "PresenceTestSupport"]),
        .testTarget(
            name: "PresenceServiceTests",
            dependencies: ["PresenceService", "PresenceDSP", "PresencePipeline", "PresenceTestSupport", .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        // Every recording in Recordings/ against its labels and its golden events (drives the built binary).
        .testTarget(name: "RegressionTests", dependencies: ["PresenceFusion", "PresenceTestSupport"]),
    ]
)
