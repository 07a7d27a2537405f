import Foundation
import PresenceCore
import PresenceRadar
import PresenceRecording
import PresenceTestSupport
import Testing
@testable import PresenceService

/// `run` and `record` on real interfaces: a radar on a pseudo-terminal (a fake
/// LD2410 on the other side), a microphone through ALSA's file plugin, and a
/// camera that is not there. Devices that vanish are `lost` with their reason,
/// retried, and back without a restart.
@Suite(.serialized) struct LiveCaptureTests {
    @Test func recordCapturesRadarBytesAndALSAAudioExactly() throws {
        let dir = try TestSupport.temporaryDirectory()
        let sensor = try FakeLD2410()
        // Audio through a named pipe: the file plugin reads it as it is written, at the pace it is written.
        let input: [Int16] = (0..<48000).map { Int16(truncatingIfNeeded: $0 &* 7919) }
        let feed = try PacedAudioFeed(device: "presenced_live", signal: input, in: dir)
        defer { feed.stop() }
        let config = dir.appendingPathComponent("live.toml").path
        try """
        [audio]
        device = "\(feed.device)"
        [radar]
        device = "\(sensor.path)"
        [metrics]
        listen = ""
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("live.mcap").path
        let r = try TestSupport.run(TestSupport.binary, ["record", "--config", config, "--duration", "2500ms", "--out", out],
                                    environment: ["ALSA_CONFIG_PATH": feed.alsaConfigPath])
        #expect(r.status == 0, "\(r.stderr)")

        let reader = try RecordingReader(path: out)
        var audio: [Int16] = [], radar: [UInt8] = []
        while let m = try reader.next() {
            guard case .sample(let s) = m.content else { continue }
            switch s.payload {
            case .audio(let a): audio += a.samples
            case .serial(let c): radar += c.bytes
            case .video: Issue.record("no camera was configured")
            }
        }
        // Every audio frame captured through snd_pcm_readi, in order, as written.
        #expect(audio.count >= 16000)
        #expect(Array(audio.prefix(min(audio.count, input.count))) == Array(input.prefix(min(audio.count, input.count))))
        // The radar bytes recorded are a stretch of what the sensor sent after its handshake, untouched.
        let sent = sensor.streamedBytes
        #expect(radar.count > 200)
        let found = radar.count <= sent.count && (0...(sent.count - radar.count)).contains { Array(sent[$0..<($0 + radar.count)]) == radar }
        #expect(found, "recorded radar bytes are not a contiguous stretch of what the sensor sent")
        #expect(sensor.inEngineeringMode)
        #expect(reader.metadata["presenced"]?["devices"] == "audio,radar")
    }

    @Test func runReportsALostRadarAndItsReturnAndAMissingCamera() throws {
        let sensor = try FakeLD2410()
        let daemon = try DaemonTests.RunningDaemon(sources: """
        [camera]
        device = "/dev/presenced-no-camera"
        [radar]
        device = "\(sensor.path)"
        """)
        let client = try daemon.connect()
        let hello = DaemonTests.json(try #require(client.readLine()))
        #expect(((hello["state"] as? [String: Any])?["sensors"] as? [String: String])?.keys.sorted() == ["camera", "radar"])

        func nextSensorEvent() -> [String: Any]? {
            while let line = client.readLine() {
                let e = DaemonTests.json(line)
                if e["type"] as? String == "sensor" { return e }
            }
            return nil
        }
        // The camera is missing from the start: lost, with the reason the system gave. The daemon usually
        // says so before this client connects (then hello carries it, and the log the reason).
        let reason = "open /dev/presenced-no-camera: No such file or directory"
        if ((hello["state"] as? [String: Any])?["sensors"] as? [String: String])?["camera"] == "lost" {
            let log = daemon.log
            #expect(log.contains("reason=\(reason) sensor=camera status=lost"), "\(log)")
        } else {
            let camera = try #require(nextSensorEvent())
            #expect(camera["sensor"] as? String == "camera" && camera["status"] as? String == "lost")
            #expect(camera["reason"] as? String == reason, "\(camera)")
        }
        // The radar goes quiet, then comes back: lost, then ok, without a restart.
        Thread.sleep(forTimeInterval: 0.5)
        sensor.setPaused(true)
        let lost = try #require(nextSensorEvent())
        #expect(lost["sensor"] as? String == "radar" && lost["status"] as? String == "lost", "\(lost)")
        #expect((lost["reason"] as? String)?.contains("no data") == true)
        sensor.setPaused(false)
        let back = try #require(nextSensorEvent())
        #expect(back["sensor"] as? String == "radar" && back["status"] as? String == "ok", "\(back)")
        let metrics = try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")
        #expect(metrics.contains("presence_sensor_reconnects_total{sensor=\"radar\"} 1"), "\(metrics)")
        #expect(metrics.contains("presence_sensor_up{sensor=\"radar\"} 1") && metrics.contains("presence_sensor_up{sensor=\"camera\"} 0"))
        kill(daemon.process.processIdentifier, SIGTERM)
        let start = Date()
        while daemon.process.isRunning, Date().timeIntervalSince(start) < 5 { usleep(10_000) }
        #expect(daemon.process.terminationStatus == 0 && Date().timeIntervalSince(start) < 2)
    }

    @Test func runWithoutAnySourceIsAConfigurationError() throws {
        let dir = try TestSupport.temporaryDirectory()
        let config = dir.appendingPathComponent("none.toml").path
        try "[metrics]\nlisten = \"\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let r = try TestSupport.presenced("run", "--config", config)
        #expect(r.status == 78 && r.stderr.contains("[camera], [audio], [radar]"), "\(r.stderr)")
    }
}
