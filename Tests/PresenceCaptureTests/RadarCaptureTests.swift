import CShims
import Foundation
import PresenceCore
import PresenceRadar
import PresenceTestSupport
import Testing
@testable import PresenceCapture

/// The radar on a real tty (a pseudo-terminal) with a fake LD2410 on the other
/// side: the engineering-mode handshake, bytes exactly as sent, frames split
/// across reads and garbage, a pause that is `lost` and then recovered.
@Suite(.serialized) struct RadarCaptureTests {
    static let clock = CaptureClock()

    /// Collects the hub's samples and reports until `until` says stop or `timeout` passes.
    static func collect(_ hub: CaptureHub, timeout: Double, until: ([Sample], [CaptureHub.Report]) -> Bool) -> ([Sample], [CaptureHub.Report]) {
        var samples: [Sample] = [], reports: [CaptureHub.Report] = []
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline, !until(samples, reports) {
            hub.take(timeout: 0.05, samples: &samples, reports: &reports)
        }
        return (samples, reports)
    }

    static func bytes(_ samples: [Sample]) -> [UInt8] {
        samples.flatMap { s -> [UInt8] in if case .serial(let c) = s.payload { c.bytes } else { [] } }
    }

    static func reports(_ bytes: [UInt8]) -> [LD2410Report] {
        var parser = LD2410Parser()
        var out: [RadarMessage] = []
        parser.feed(bytes, into: &out)
        return out.compactMap { if case .report(.ld2410(let r)) = $0 { r } else { nil } }
    }

    @Test func handshakeThenEngineeringFramesExactlyAsSent() throws {
        let sensor = try FakeLD2410()
        let device = RadarDevice(path: sensor.path, model: .ld2410, baud: 256_000, clock: Self.clock)
        try device.open()
        defer { device.close() }
        #expect(device.engineeringMode && sensor.inEngineeringMode)
        #expect(sensor.commands == [0x00FF, 0x0062, 0x00FE])
        // Split frames and garbage: bytes still arrive as they were sent; the parser resynchronises.
        sensor.splitNextFrame()
        var samples: [Sample] = []
        let deadline = Date(timeIntervalSinceNow: 3)
        while Date() < deadline, Self.reports(Self.bytes(samples)).count < 20 {
            if samples.count == 5 { sensor.garbageBeforeNextFrame() }
            try device.read(timeoutMs: 100) { samples.append($0) }
        }
        let got = Self.bytes(samples)
        let sent = sensor.streamedBytes
        // What we read is a contiguous stretch of what was sent (reading began mid-stream, and frames sent
        // while the handshake ended may be among it).
        try #require(got.count <= sent.count, "read \(got.count) bytes, the sensor sent \(sent.count)")
        #expect((0...(sent.count - got.count)).contains { Array(sent[$0..<($0 + got.count)]) == got })
        let parsed = Self.reports(got)
        #expect(parsed.count >= 20 && parsed.allSatisfy { $0.isEngineering })
        #expect(samples.allSatisfy { $0.sensor == .radar && abs($0.t - Self.clock.now()) < 10 * Nanos.perSecond })
    }

    @Test func aSensorThatRefusesEngineeringModeIsUsedInBasicMode() throws {
        var behaviour = FakeLD2410.Behaviour()
        behaviour.acceptEngineeringMode = false
        let sensor = try FakeLD2410(behaviour: behaviour)
        let device = RadarDevice(path: sensor.path, model: .ld2410, baud: 256_000, clock: Self.clock)
        try device.open()
        defer { device.close() }
        #expect(!device.engineeringMode)
        #expect(device.fallbackReason?.contains("refused") == true, "\(device.fallbackReason ?? "")")
        var samples: [Sample] = []
        for _ in 0..<20 { try device.read(timeoutMs: 100) { samples.append($0) } }
        // About 2 s of reads at the fake's 10 Hz: reports came, and none in engineering mode.
        let reports = Self.reports(Self.bytes(samples))
        #expect(reports.count >= 5 && reports.allSatisfy { !$0.isEngineering }, "\(reports.count) reports")
    }

    @Test func aPauseIsLostThenTheWorkerReconnects() throws {
        let sensor = try FakeLD2410()
        let hub = CaptureHub()
        let device = RadarDevice(path: sensor.path, model: .ld2410, baud: 256_000, clock: Self.clock)
        let worker = CaptureWorker(device: device, hub: hub, clock: Self.clock, dataTimeout: 500 * Nanos.perMillisecond,
                                   backoff: .init(first: 0.2, max: 1), threadName: "test-radar")
        worker.start()
        defer { worker.stop() }
        var (samples, reports) = Self.collect(hub, timeout: 5) { s, _ in s.count >= 10 }
        #expect(samples.count >= 10 && reports.isEmpty)
        sensor.setPaused(true)
        (_, reports) = Self.collect(hub, timeout: 5) { _, r in !r.isEmpty }
        guard case .lost(.radar, let reason, _)? = reports.first else {
            Issue.record("expected lost, got \(reports)")
            return
        }
        #expect(reason.contains("no data"))
        sensor.setPaused(false)
        (samples, reports) = Self.collect(hub, timeout: 8) { _, r in r.contains { if case .reconnected = $0 { true } else { false } } }
        #expect(reports.contains { if case .reconnected(.radar, _) = $0 { true } else { false } }, "\(reports)")
        #expect(worker.reconnects == 1)
        // The reopened device did the handshake again.
        #expect(sensor.commands.filter { $0 == 0x0062 }.count == 2)
    }

    @Test func anLD2450StreamsThreeTargetsWithoutAHandshake() throws {
        var name = [CChar](repeating: 0, count: 128)
        let master = cshim_pty_open(&name, name.count)
        try #require(master >= 0)
        defer { close(master) }
        var raw = termios()
        tcgetattr(master, &raw)
        cfmakeraw(&raw)
        tcsetattr(master, TCSANOW, &raw)
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let device = RadarDevice(path: path, model: .ld2450, baud: 256_000, clock: Self.clock)
        try device.open()
        defer { device.close() }
        #expect(!device.engineeringMode && device.openNotice == nil)
        let targets = [LD2450Target(xMm: -1200, yMm: 2500, speedCmS: 30, resolutionMm: 360),
                       LD2450Target(xMm: 400, yMm: 900, speedCmS: -12, resolutionMm: 360),
                       LD2450Target(xMm: 0, yMm: 0, speedCmS: 0, resolutionMm: 0)]
        let frame = LD2450Parser.encode(targets)
        let stream = frame + [0x13, 0x37] + frame + frame
        _ = stream.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        var samples: [Sample] = []
        let deadline = Date(timeIntervalSinceNow: 2)
        while Date() < deadline, Self.bytes(samples).count < stream.count { try device.read(timeoutMs: 100) { samples.append($0) } }
        #expect(Self.bytes(samples) == stream)
        var parser = LD2450Parser()
        var messages: [RadarMessage] = []
        parser.feed(Self.bytes(samples), into: &messages)
        #expect(messages == Array(repeating: .report(.ld2450(LD2450Targets(targets))), count: 3))
        #expect(samples.allSatisfy { if case .serial(let c) = $0.payload { c.model == .ld2450 } else { false } })
    }

    @Test func aMissingDeviceIsRetriedUntilItAppears() throws {
        let hub = CaptureHub()
        let path = NSTemporaryDirectory() + "/presenced-no-radar-\(getpid())"
        let device = RadarDevice(path: path, model: .ld2410, baud: 256_000, clock: Self.clock)
        let worker = CaptureWorker(device: device, hub: hub, clock: Self.clock, dataTimeout: Nanos.perSecond,
                                   backoff: .init(first: 0.1, max: 0.2), threadName: "test-radar-missing")
        worker.start()
        defer { worker.stop() }
        let (_, reports) = Self.collect(hub, timeout: 3) { _, r in !r.isEmpty }
        guard case .lost(.radar, let reason, _)? = reports.first else {
            Issue.record("expected lost, got \(reports)")
            return
        }
        #expect(reason == "open \(path): No such file or directory")
        // Plug it in: a symlink to a live pseudo-terminal appears at the configured path.
        let sensor = try FakeLD2410()
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: sensor.path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (samples, back) = Self.collect(hub, timeout: 5) { s, _ in s.count >= 5 }
        #expect(samples.count >= 5)
        #expect(back.contains { if case .reconnected = $0 { true } else { false } })
    }
}
