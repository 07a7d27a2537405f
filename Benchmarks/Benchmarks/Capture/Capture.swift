// Capture cost per sample and allocations per sample in steady state (issue 5),
// each beside a baseline measured in the same run:
// - microphone: MicrophoneDevice.read of a 20 ms chunk through ALSA's file plugin,
//   against bare snd_pcm_readi into one buffer (the floor: ALSA's own cost);
// - radar: RadarDevice.read of one LD2410 frame from a pseudo-terminal, against a bare read();
// - camera: a 320x240 YUYV frame to luma into recycled arrays, against the same conversion
//   into a new array per frame (the obvious implementation).
// The camera's V4L2 path needs a real driver: `make test-vm` covers it, not a benchmark.
import Benchmark
import BenchmarkFloor
import CALSABench
import CShims
import Foundation
import PresenceCapture
import PresenceCore
import PresenceRadar

let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal]

/// A long raw file behind ALSA's file plugin, named `presenced_bench`.
func alsaFilePlugin() -> String {
    let dir = NSTemporaryDirectory() + "presenced-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let raw = dir + "/noise.raw"
    // 20 minutes of 16 kHz audio: far more than any run reads (the plugin does not signal its end).
    var samples = [Int16](repeating: 0, count: 16000 * 1200)
    var x: UInt32 = 1
    for i in samples.indices { x = x &* 1_664_525 &+ 1_013_904_223; samples[i] = Int16(truncatingIfNeeded: x >> 16) }
    FileManager.default.createFile(atPath: raw, contents: samples.withUnsafeBytes { Data($0) })
    let conf = dir + "/alsa.conf"
    try? "pcm.presenced_bench { type file slave.pcm \"null\" file \"/dev/null\" infile \"\(raw)\" format \"raw\" }\n"
        .write(toFile: conf, atomically: true, encoding: .utf8)
    return "/usr/share/alsa/alsa.conf:" + conf
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: metrics, maxDuration: .seconds(3), maxIterations: 20_000)
    registerFloorBenchmark()
    setenv("ALSA_CONFIG_PATH", alsaFilePlugin(), 1)

    Benchmark("Microphone 20 ms chunk (presenced)") { benchmark in
        let mic = MicrophoneDevice(name: "presenced_bench", rate: 16000, clock: CaptureClock())
        try mic.open()
        defer { mic.close() }
        var kept: Sample?
        // Warm up: the recycled arrays are made once.
        for _ in 0..<16 { try mic.read(timeoutMs: 1000) { kept = $0 } }
        kept = nil
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try mic.read(timeoutMs: 1000) { blackHole($0) }
        }
        benchmark.stopMeasurement()
        blackHole(kept)
    }

    Benchmark("Microphone 20 ms chunk (baseline: bare snd_pcm_readi)") { benchmark in
        var pcm: OpaquePointer?
        guard snd_pcm_open(&pcm, "presenced_bench", SND_PCM_STREAM_CAPTURE, 0) >= 0, let pcm else { return }
        defer { snd_pcm_close(pcm) }
        snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, 16000, 0, 160_000)
        var buffer = [Int16](repeating: 0, count: 320)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let n = buffer.withUnsafeMutableBytes { snd_pcm_readi(pcm, $0.baseAddress, 320) }
            blackHole(n)
        }
        benchmark.stopMeasurement()
    }

    // One LD2410 engineering frame per iteration through a real tty.
    let frame = LD2410Encoder.report(LD2410Report(targetState: 3, movingDistanceCm: 150, movingEnergy: 40, stillDistanceCm: 150,
                                                  stillEnergy: 50, detectionDistanceCm: 150,
                                                  movingGateEnergies: GateEnergies(repeatElement(20, count: 9)),
                                                  stillGateEnergies: GateEnergies(repeatElement(30, count: 9)), lightLevel: 0, outPin: 1))

    func pty() -> (master: Int32, path: String) {
        var name = [CChar](repeating: 0, count: 128)
        let master = cshim_pty_open(&name, name.count)
        var t = termios()
        tcgetattr(master, &t)
        cfmakeraw(&t)
        tcsetattr(master, TCSANOW, &t)
        return (master, String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    Benchmark("Radar frame read (presenced)") { benchmark in
        let (master, path) = pty()
        defer { close(master) }
        let radar = RadarDevice(path: path, model: .ld2450, baud: 256_000, clock: CaptureClock())
        try radar.open()
        defer { radar.close() }
        for _ in 0..<16 {
            _ = frame.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            try radar.read(timeoutMs: 100) { blackHole($0) }
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            _ = frame.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            try radar.read(timeoutMs: 100) { blackHole($0) }
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Radar frame read (baseline: bare read)") { benchmark in
        let (master, path) = pty()
        defer { close(master) }
        let fd = open(path, O_RDWR | O_NOCTTY)
        defer { close(fd) }
        _ = cshim_serial_configure(fd, 256_000)
        var buffer = [UInt8](repeating: 0, count: 1024)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            _ = frame.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, 100)
            blackHole(buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) })
        }
        benchmark.stopMeasurement()
    }

    // A 320x240 YUYV frame with rows padded to 672 bytes, as some drivers deliver.
    let width = 320, height = 240, bytesPerLine = 672
    let yuyv = (0..<(bytesPerLine * height)).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    Benchmark("Camera YUYV 320x240 to luma (presenced: recycled arrays)") { benchmark in
        var frames = LumaFrames()
        yuyv.withUnsafeBytes { src in
            for _ in 0..<16 { blackHole(frames.frame(from: src, format: .yuyv, width: width, height: height, bytesPerLine: bytesPerLine)) }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(frames.frame(from: src, format: .yuyv, width: width, height: height, bytesPerLine: bytesPerLine))
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Camera YUYV 320x240 to luma (baseline: new array per frame)") { benchmark in
        yuyv.withUnsafeBytes { src in
            for _ in benchmark.scaledIterations {
                var luma = [UInt8](repeating: 0, count: width * height)
                luma.withUnsafeMutableBufferPointer {
                    LumaConversion.extract(src, format: .yuyv, width: width, height: height, bytesPerLine: bytesPerLine, into: $0)
                }
                blackHole(VideoFrame(width: width, height: height, luma: luma))
            }
        }
    }
}
