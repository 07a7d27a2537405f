import Foundation
import PresenceCore
import PresenceDSP
import PresencePipeline
import PresenceTestSupport
import Testing

/// `presenced calibrate --config F --duration …` against a fake LD2410 on a real pseudo-terminal: the empty room
/// learned live, and `--write-module` setting the module's gate thresholds over the UART.
@Suite(.serialized) struct LiveCalibrationTests {
    static func config(_ dir: URL, radar: String) throws -> String {
        let path = dir.appendingPathComponent("live.toml").path
        try radar.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aLiveCalibrationLearnsTheRoomAndWritesTheModulesThresholds() throws {
        let dir = try TestSupport.temporaryDirectory()
        let sensor = try FakeLD2410()
        let config = try Self.config(dir, radar: "[radar]\ndevice = \"\(sensor.path)\"\n")
        let out = dir.appendingPathComponent("room.json").path
        let r = try TestSupport.presenced("calibrate", "--config", config, "--duration", "2s", "--countdown", "1s", "--out", out, "--write-module")
        #expect(r.status == 0, "\(r.stderr)")
        // Not a terminal: the countdown and the learning are said as lines.
        #expect(r.stderr.contains("leave the room now: learning starts in 1 s") && r.stderr.contains("done: you may come back in"), "\(r.stderr)")
        let file = try RadarCalibrationFile.read(out, for: .ld2410)
        #expect(file.sources == ["live: \(sensor.path)"])
        // The fake streams 50 reports a second; two seconds of them were learned, the countdown's were not.
        #expect(file.calibration.reports > 60 && file.calibration.reports < 130, "\(file.calibration.reports)")
        #expect(abs(file.calibration.seconds - 2) < 0.5, "\(file.calibration.seconds)")
        // The module now decides with the thresholds derived from what it learned.
        #expect(sensor.inEngineeringMode)
        #expect(sensor.gateThresholds == file.calibration.gateThresholds, "\(sensor.gateThresholds) vs \(file.calibration.gateThresholds)")
        #expect(sensor.gateThresholds != LD2410GateThresholds.factory)
        #expect(r.stdoutText.contains("gate thresholds written: moving \(file.calibration.gateThresholds.moving.map(String.init).joined(separator: " "))"), "\(r.stdoutText)")
    }

    @Test func recordingsCanBeWrittenToTheModuleToo() throws {
        let dir = try TestSupport.temporaryDirectory()
        let empty = dir.appendingPathComponent("empty.mcap").path
        try #require(try TestSupport.presenced("simulate", "--scene", "empty", "--duration", "10s", "--seed", "7", "--out", empty).status == 0)
        let sensor = try FakeLD2410()
        let config = try Self.config(dir, radar: "[radar]\ndevice = \"\(sensor.path)\"\n")
        let out = dir.appendingPathComponent("room.json").path
        let r = try TestSupport.presenced("calibrate", empty, "--config", config, "--out", out, "--write-module")
        #expect(r.status == 0, "\(r.stderr)")
        let file = try RadarCalibrationFile.read(out, for: .ld2410)
        #expect(sensor.gateThresholds == file.calibration.gateThresholds)
    }

    @Test func whatCannotCalibrateSaysWhyAndWritesNothing() throws {
        let dir = try TestSupport.temporaryDirectory()
        let out = dir.appendingPathComponent("room.json").path
        // No radar configured, or --write-module to one that is not an LD2410: 78 naming the key.
        let noRadar = try Self.config(dir, radar: "[audio]\ndevice = \"default\"\n")
        let r1 = try TestSupport.presenced("calibrate", "--config", noRadar, "--duration", "1s", "--out", out)
        #expect(r1.status == 78 && r1.stderr.contains("radar: calibrating from the radar needs a [radar] section"), "\(r1.status): \(r1.stderr)")
        let ld2450 = try Self.config(dir, radar: "[radar]\ndevice = \"/dev/null\"\nmodel = \"ld2450\"\n")
        let r2 = try TestSupport.presenced("calibrate", "--config", ld2450, "--duration", "1s", "--out", out, "--write-module")
        #expect(r2.status == 78 && r2.stderr.contains("radar.model"), "\(r2.status): \(r2.stderr)")
        // A device that is not there: 74.
        let missing = try Self.config(dir, radar: "[radar]\ndevice = \"\(dir.appendingPathComponent("ttyUSB9").path)\"\n")
        let r3 = try TestSupport.presenced("calibrate", "--config", missing, "--duration", "1s", "--countdown", "0s", "--out", out)
        #expect(r3.status == 74 && r3.stderr.contains("ttyUSB9"), "\(r3.status): \(r3.stderr)")
        // A module that refuses engineering mode has no per-gate energies to learn: 65.
        var behaviour = FakeLD2410.Behaviour()
        behaviour.acceptEngineeringMode = false
        let basic = try FakeLD2410(behaviour: behaviour)
        let refusing = try Self.config(dir, radar: "[radar]\ndevice = \"\(basic.path)\"\n")
        let r4 = try TestSupport.presenced("calibrate", "--config", refusing, "--duration", "1s", "--countdown", "0s", "--out", out)
        #expect(r4.status == 65 && r4.stderr.contains("no engineering mode"), "\(r4.status): \(r4.stderr)")
        // Neither recordings nor --duration, or both: usage.
        #expect(try TestSupport.presenced("calibrate", "--out", out).status == 64)
        #expect(try TestSupport.presenced("calibrate", "x.mcap", "--duration", "1s", "--out", out).status == 64)
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written")
    }
}
