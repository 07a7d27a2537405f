import Foundation
import PresenceCore
import PresenceTestSupport
@testable import PresenceService
import Testing

/// Faults injected into a running daemon on real interfaces (RELIABILITY.md):
/// a radar on a pseudo-terminal behind a stable link (as /dev/serial/by-id/…)
/// that is unplugged and plugged back or sends frames that fail their checks,
/// and a microphone through ALSA's file plugin fed at real-time pace. Each
/// fault must be a `sensor` event and show in the metrics, and the other
/// sensors must carry on meanwhile. (An ALSA overrun and a wall-clock jump
/// need a real sound card and a clock of their own: `make test-vm` injects
/// them in its guest, VMCaptureTests checks them.)
@Suite(.serialized) struct FaultInjectionTests {
    /// A daemon with a microphone and a radar; `client` got its hello.
    struct Room {
        let radar: FakeLD2410
        let audio: PacedAudioFeed
        let daemon: DaemonTests.RunningDaemon
        let client: DaemonTests.LineSocket

        init() throws {
            let dir = try TestSupport.temporaryDirectory("fault")
            radar = try FakeLD2410(link: dir.appendingPathComponent("ttyUSB-radar").path)
            audio = try PacedAudioFeed(in: dir)
            daemon = try DaemonTests.RunningDaemon(sources: """
            [audio]
            device = "\(audio.device)"
            [radar]
            device = "\(radar.path)"
            """, environment: ["ALSA_CONFIG_PATH": audio.alsaConfigPath])
            client = try daemon.connect()
            let hello = DaemonTests.json(try #require(client.readLine()))
            #expect((hello["state"] as? [String: Any])?["sensors"] as? [String: String] == ["audio": "ok", "radar": "ok"], "\(hello)")
        }

        /// The radar's next `sensor` event on the client (other events are skipped). The microphone's are
        /// passed over: on a loaded machine the pipeline can fall behind the live microphone for a moment
        /// ("samples dropped"), which is not what these tests are about.
        func nextRadarEvent() -> [String: Any]? {
            while let line = client.readLine() {
                let e = DaemonTests.json(line)
                if e["type"] as? String == "sensor", e["sensor"] as? String == "radar" { return e }
            }
            return nil
        }

        func metric(_ series: String) throws -> Double? {
            PrometheusText.value(of: series, in: try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics"))
        }

        /// The series' value, 0 while it cannot be read (for polling).
        func value(_ series: String) -> Double { ((try? metric(series)) ?? nil) ?? 0 }

        /// Stops the daemon as systemd would and expects a clean exit.
        func stop() {
            kill(daemon.process.processIdentifier, SIGTERM)
            #expect(TestSupport.eventually(timeout: 5) { !daemon.process.isRunning })
            #expect(daemon.process.terminationStatus == 0, "\(daemon.log)")
            audio.stop()
            radar.stop()
        }
    }

    @Test func aRadarUnpluggedAndPluggedBackWhileTheMicrophoneCarriesOn() throws {
        let room = try Room()
        // Both deliver: samples counted for each.
        #expect(TestSupport.eventually(timeout: 10) { room.value("presence_samples_total{sensor=\"radar\"}") > 0 })
        room.radar.unplug()
        let lost = try #require(room.nextRadarEvent())
        #expect(lost["sensor"] as? String == "radar" && lost["status"] as? String == "lost", "\(lost)")
        #expect((lost["reason"] as? String ?? "").contains("ttyUSB-radar"), "the reason names the device: \(lost)")

        // While it is out: the microphone's samples keep coming, ticks keep closing, a new client hears the
        // radar is lost and the microphone ok, and the metrics say so.
        let audioBefore = try #require(try room.metric("presence_samples_total{sensor=\"audio\"}"))
        let ticksBefore = try #require(try room.metric("presence_tick_duration_seconds_count"))
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try #require(try room.metric("presence_samples_total{sensor=\"audio\"}")) >= audioBefore + 40, "about 50 chunks a second")
        #expect(try #require(try room.metric("presence_tick_duration_seconds_count")) >= ticksBefore + 10, "about 10 ticks a second")
        #expect(try room.metric("presence_sensor_up{sensor=\"radar\"}") == 0 && room.metric("presence_sensor_up{sensor=\"audio\"}") == 1)
        let second = try room.daemon.connect()
        let hello = DaemonTests.json(try #require(second.readLine()))
        #expect((hello["state"] as? [String: Any])?["sensors"] as? [String: String] == ["audio": "ok", "radar": "lost"], "\(hello)")

        // Plugged in again behind the same path: reopened (after the retry backoff), handshake redone, ok.
        try room.radar.plugBack()
        let back = try #require(room.nextRadarEvent())
        #expect(back["sensor"] as? String == "radar" && back["status"] as? String == "ok", "\(back)")
        #expect(room.radar.inEngineeringMode, "the new sensor was configured again")
        #expect(try room.metric("presence_sensor_reconnects_total{sensor=\"radar\"}") == 1)
        #expect(try room.metric("presence_sensor_up{sensor=\"radar\"}") == 1)
        // The microphone never blinked.
        #expect(!room.daemon.log.contains("sensor=audio"), "\(room.daemon.log)")
        room.stop()
    }

    /// The flight recorder's directory on a full disk (a 64 kB tmpfs in a private mount namespace, or where
    /// that is not allowed a file-size limit): every clip fails, is counted and logged, and the daemon goes on
    /// publishing and stops cleanly. (That a file cut short by a full disk stays readable is
    /// RecordCommandTests.aFullDiskStopsTheRecordingAndKeepsWhatWasWritten; clips use the same writer.)
    @Test func aFullDiskUnderTheFlightRecorderIsCountedAndTheDaemonGoesOn() throws {
        let probe = try TestSupport.run("/usr/bin/unshare", ["-m", "/bin/sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"])
        let fill = probe.status == 0
            ? ["/usr/bin/unshare", "-m", "/bin/sh", "-c", "mkdir -p clips && mount -t tmpfs -o size=64k tmpfs clips && exec \"$0\" \"$@\""]
            : ["/bin/sh", "-c", "mkdir -p clips; ulimit -f 128; trap '' XFSZ; exec \"$0\" \"$@\""]
        // A minute of walk-through at 20x: occupied at 10.4 s, vacant at 46.9 s, every 3 s of the test.
        let walk = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let daemon = try DaemonTests.RunningDaemon(sources: "[replay]\nfile = \"\(walk)\"\nloop = true\nspeed = 20\n", extra: """
        [recording]
        dir = "clips"
        flight_recorder = "4s"
        clip_after = "1s"
        """, launcher: fill)
        let client = try daemon.connect()
        _ = try #require(client.readLine())
        let metrics = { (try? DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")) ?? "" }
        #expect(TestSupport.eventually(timeout: 30) { (PrometheusText.value(of: "presence_clips_total{result=\"failed\"}", in: metrics()) ?? 0) >= 2 },
                "\(daemon.log)")
        #expect(PrometheusText.value(of: "presence_clips_total{result=\"written\"}", in: metrics()) == 0)
        #expect(daemon.log.contains(fill[0] == "/bin/sh" ? "File too large" : "No space left on device"), "\(daemon.log)")
        // Still publishing: the next change of the room reaches the client.
        var occupancy = 0
        while occupancy < 2, let line = client.readLine() { if DaemonTests.json(line)["type"] as? String == "occupancy" { occupancy += 1 } }
        #expect(occupancy == 2)
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(TestSupport.eventually(timeout: 5) { !daemon.process.isRunning })
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log)")
    }

    /// 400 clients at once: a third send a flood without a newline, a third connect and hang up at once, a
    /// third never read. A well-behaved client meanwhile gets every event, a new one its hello, and once the
    /// storm is over the daemon holds as many descriptors and subscribers as before it.
    @Test func aStormOfSocketClientsLeavesTheOthersServedAndNothingBehind() throws {
        let walk = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let daemon = try DaemonTests.RunningDaemon(sources: "[replay]\nfile = \"\(walk)\"\nloop = true\nspeed = 20\n")
        let good = try daemon.connect()
        _ = try #require(good.readLine())
        let pid = daemon.process.processIdentifier
        let descriptors = { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1 }
        let before = descriptors()

        let path = daemon.socketPath
        let storm = (0..<4).map { part in
            Thread {
                var held: [Int32] = []
                for k in 0..<100 {
                    guard let fd = WatchClient.connect(to: path) else { continue }
                    switch (part * 100 + k) % 3 {
                    case 0:
                        let flood = [UInt8](repeating: UInt8(ascii: "x"), count: 256 * 1024)
                        _ = flood.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        held.append(fd)
                    case 1: close(fd)
                    default: held.append(fd)  // never reads
                    }
                }
                Thread.sleep(forTimeInterval: 3)
                for fd in held { close(fd) }
            }
        }
        storm.forEach { $0.start() }
        // The good client keeps getting the room's changes (one every 1.5 s or so) through the storm.
        var occupancy = 0
        while occupancy < 3, let line = good.readLine() { if DaemonTests.json(line)["type"] as? String == "occupancy" { occupancy += 1 } }
        #expect(occupancy == 3)
        let late = try daemon.connect()
        #expect(DaemonTests.json(try #require(late.readLine()))["type"] as? String == "hello")
        #expect(TestSupport.eventually(timeout: 20) { storm.allSatisfy(\.isFinished) })
        // Every storm connection is gone again: descriptors as before (plus the late client), two subscribers.
        #expect(TestSupport.eventually(timeout: 10) { descriptors() == before + 1 }, "\(before) descriptors before, \(descriptors()) after")
        let metrics = try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")
        #expect(PrometheusText.value(of: "presence_subscribers", in: metrics) == 2)
        kill(pid, SIGTERM)
        #expect(TestSupport.eventually(timeout: 5) { !daemon.process.isRunning })
        #expect(daemon.process.terminationStatus == 0, "\(daemon.log)")
    }

    @Test func radarGarbageIsADegradedSensorCountedAndThenOkAgain() throws {
        let room = try Room()
        #expect(TestSupport.eventually(timeout: 10) { room.value("presence_samples_total{sensor=\"radar\"}") > 0 })
        room.radar.corruptNextFrames(10)
        let degraded = try #require(room.nextRadarEvent())
        #expect(degraded["sensor"] as? String == "radar" && degraded["status"] as? String == "degraded", "\(degraded)")
        #expect((degraded["reason"] as? String ?? "").contains("corrupt frame"), "\(degraded)")
        #expect(try room.metric("presence_sensor_degraded{sensor=\"radar\"}") == 1)
        #expect(try room.metric("presence_sensor_up{sensor=\"radar\"}") == 1, "a degraded sensor still delivers")
        // Every rejected frame is counted as dropped for being corrupt.
        #expect(TestSupport.eventually(timeout: 5) { room.value("presence_samples_dropped_total{sensor=\"radar\",reason=\"corrupt\"}") == 10 })
        // Ok again once 5 s passed without a loss and a minute since it turned degraded (no flapping).
        let ok = try #require(room.nextRadarEvent())
        #expect(ok["sensor"] as? String == "radar" && ok["status"] as? String == "ok" && ok["reason"] as? String == "no data lost for 5s", "\(ok)")
        let minute = (ok["t"] as? Int64 ?? 0) - (degraded["t"] as? Int64 ?? 0)
        #expect(minute >= 60_000_000_000 && minute < 61_000_000_000, "ok \(minute) ns after degraded")
        #expect(try room.metric("presence_sensor_degraded{sensor=\"radar\"}") == 0)
        #expect(try room.metric("presence_sensor_reconnects_total{sensor=\"radar\"}") == 0, "it never went away")
        room.stop()
    }
}
