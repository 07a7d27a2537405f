import Foundation
import PresenceDSP
import PresencePipeline
import PresenceTestSupport
import Testing
@testable import PresenceService

/// SIGHUP reloads the configuration file (DESIGN.md §6): a bad file keeps the running configuration, a
/// good one applies without dropping any socket client.
@Suite(.serialized) struct ReloadTests {
    @Test func aBadFileIsRefusedAndAGoodOneAppliesWithoutDroppingClients() throws {
        let daemon = try DaemonTests.RunningDaemon()
        let client = try daemon.connect()
        #expect(DaemonTests.json(try #require(client.readLine()))["type"] as? String == "hello")
        let original = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        // The hello comes before the first tick; under a sanitizer the first tick can be seconds later, and
        // /healthz is 503 ("starting") until then. The check below is about the reload, so start from ready.
        #expect(Self.waitForHealth(port: daemon.metricsPort) == "ok\n", "ready before the reloads")

        try (original + "\n[fusion]\nhodl = \"5s\"\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitForLog("configuration not reloaded"), "\(daemon.log)")
        #expect(daemon.log.contains("fusion.hodl"), "the log says why")
        #expect(try DaemonTests.httpGet(port: daemon.metricsPort, path: "/healthz") == "ok\n")

        // The walk-through scene loops at 10x: with the default 30 s hold the room stays occupied from one
        // pass to the next; a 2 s hold lets it go vacant between the passes. The socket and the metrics
        // port move too: the first waits for a restart, the second follows at once.
        let newPort = TestSupport.freePort()
        let good = original
            .replacingOccurrences(of: "127.0.0.1:\(daemon.metricsPort)", with: "127.0.0.1:\(newPort)")
            .replacingOccurrences(of: "run/events.sock", with: "run/elsewhere.sock")
            + "\n[fusion]\nhold = \"2s\"\nhold_extension = \"0s\"\n"
        try good.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitForLog("configuration reloaded"), "\(daemon.log)")
        #expect(daemon.log.contains("changed=fusion, metrics"), "\(daemon.log)")
        // Logged just after "reloaded": wait for it too.
        #expect(daemon.waitForLog("apply at the next start") && daemon.log.contains("sections=socket"), "\(daemon.log)")

        #expect(Self.waitForHealth(port: newPort) == "ok\n", "metrics on the new port")
        // The new listener is bound before the old one is closed: the old port goes a moment later.
        var oldClosed = false
        for _ in 0..<50 where !oldClosed {
            oldClosed = (try? DaemonTests.httpGet(port: daemon.metricsPort, path: "/healthz")) == nil
            if !oldClosed { usleep(100_000) }
        }
        #expect(oldClosed, "the old port is closed")

        // The client connected before both reloads is still there, and sees the new hold at work.
        var sawVacant = false
        while !sawVacant, let line = client.readLine() {
            let e = DaemonTests.json(line)
            sawVacant = e["type"] as? String == "occupancy" && e["occupied"] as? Bool == false
        }
        #expect(sawVacant, "no vacant event after the hold was shortened")
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath), "the socket stays where clients know it")

        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(daemon.process.terminationStatus == 0)
    }

    /// `/healthz`'s body once it answers 200, polling for up to 10 s; nil if it never does.
    static func waitForHealth(port: Int) -> String? {
        for _ in 0..<100 {
            if let body = try? DaemonTests.httpGet(port: port, path: "/healthz") { return body }
            usleep(100_000)
        }
        return nil
    }
}

/// A new radar calibration applies on SIGHUP; the radar device itself waits for the next start.
@Suite struct CalibrationReloadTests {
    static func calibrationFile(stillAtGate2 level: Float, in dir: URL, name: String) throws {
        var still = [Float](repeating: 4, count: 9)
        still[2] = level
        let c = RadarCalibration(sensor: .ld2410, movingMean: [Float](repeating: 5, count: 9), movingSpread: [Float](repeating: 1, count: 9),
                                 stillMean: still, stillSpread: [Float](repeating: 1, count: 9), reports: 100, seconds: 10)
        try RadarCalibrationFile(calibration: c, created: "2026-12-07T06:00:00Z", sources: []).encoded()
            .write(to: dir.appendingPathComponent(name))
    }

    @Test func theCalibrationAppliesNowAndTheDeviceAtTheNextStart() throws {
        let dir = try TestSupport.temporaryDirectory()
        try Self.calibrationFile(stillAtGate2: 40, in: dir, name: "a.json")
        try Self.calibrationFile(stillAtGate2: 60, in: dir, name: "b.json")
        func config(_ device: String, _ file: String) throws -> PresenceConfig {
            let path = dir.appendingPathComponent("c.toml").path
            try "[radar]\ndevice = \"\(device)\"\ncalibration = \"\(file)\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            return try ConfigLoader.load(path: path)
        }
        let old = try config("/dev/ttyUSB0", "a.json")
        var new = try config("/dev/ttyUSB1", "b.json")
        #expect(old.radar?.calibrationFile?.createdSeconds == 1_796_623_200)
        #expect(ConfigReloader.radarDevice.differs(old, new) && ConfigReloader.radarCalibration.differs(old, new))
        ConfigReloader.radarDevice.keep(old, &new)
        #expect(new.radar?.device == "/dev/ttyUSB0", "the running device stays")
        #expect(new.radar?.calibrationFile?.calibration.stillMean[2] == 60, "the new calibration goes with it")
        #expect(!ConfigReloader.radarDevice.differs(old, new))
    }
}
