import Foundation
import PresenceCore
import PresenceDSP
import PresencePipeline
import PresenceTestSupport
import Testing

/// `presenced calibrate` and its file: what it writes, and every way a file can be wrong being refused whole.
@Suite struct CalibrationTests {
    static let calibration = RadarCalibration(
        sensor: .ld2410, movingMean: [Float](repeating: 5, count: 9), movingSpread: [Float](repeating: 2, count: 9),
        stillMean: [30, 28, 12, 6, 5, 5, 4, 4, 4], stillSpread: [Float](repeating: 3, count: 9), reports: 600, seconds: 60)

    static func problem(_ data: Data, for sensor: RadarCalibration.Sensor? = nil) -> String? {
        do {
            _ = try RadarCalibrationFile.decode(data, for: sensor)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aFileRoundTripsAndEveryDamageIsRefused() throws {
        let file = RadarCalibrationFile(calibration: Self.calibration, created: "2026-12-07T06:00:00Z", sources: ["empty.mcap"])
        let data = try file.encoded()
        #expect(try RadarCalibrationFile.decode(data, for: .ld2410) == file)
        let text = String(decoding: data, as: UTF8.self)
        func edited(_ from: String, _ to: String) -> Data {
            #expect(text.contains(from), "\(from) in \(text)")
            return Data(text.replacingOccurrences(of: from, with: to).utf8)
        }
        #expect(Self.problem(edited("28,", "29,"))?.contains("CRC-32") == true, "a changed value")
        #expect(Self.problem(edited("\"version\" : 1", "\"version\" : 2"))?.contains("version 2") == true)
        #expect(Self.problem(edited("presenced-radar-calibration", "presenced-mlp"))?.contains("format") == true)
        #expect(Self.problem(data, for: .ld2450)?.contains("LD2410, but the radar is an LD2450") == true)
        #expect(Self.problem(Data(text.prefix(text.count / 2).utf8))?.contains("not a radar calibration file") == true, "cut short")
        #expect(Self.problem(Data("[]".utf8)) != nil)
        var short = Self.calibration
        short.stillMean.removeLast()
        let bad = try RadarCalibrationFile(calibration: short, created: "", sources: []).encoded()
        #expect(Self.problem(bad)?.contains("8 gates") == true)
    }

    @Test func calibrateLearnsAnEmptyRecordingAndTheConfigUsesIt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let empty = dir.appendingPathComponent("empty.mcap").path
        try #require(try TestSupport.presenced("simulate", "--scene", "empty", "--duration", "20s", "--seed", "3", "--out", empty).status == 0)
        let out = dir.appendingPathComponent("cal/room.json").path
        let r = try TestSupport.presenced("calibrate", empty, "--out", out)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("ld2410, 200 reports"), "\(r.stdoutText)")
        let file = try RadarCalibrationFile.read(out, for: .ld2410)
        #expect(file.sources == [empty] && file.calibration.reports == 200)
        // Used through the configuration, by path relative to it; a broken one is exit 78 naming the key.
        let config = dir.appendingPathComponent("c.toml").path
        try "[radar]\ncalibration = \"cal/room.json\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let replay = try TestSupport.presenced("replay", empty, "--config", config)
        #expect(replay.status == 0, "\(replay.stderr)")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: out))
        let broken = try TestSupport.presenced("replay", empty, "--config", config)
        #expect(broken.status == 78 && broken.stderr.contains("radar.calibration"), "\(broken.status): \(broken.stderr)")
    }

    @Test func calibrateWithoutUsableRadarDataSaysWhy() throws {
        let dir = try TestSupport.temporaryDirectory()
        let out = dir.appendingPathComponent("room.json").path
        let missing = try TestSupport.presenced("calibrate", dir.appendingPathComponent("absent.mcap").path, "--out", out)
        #expect(missing.status == 66, "\(missing.stderr)")
        // Speech Commands is audio only.
        let audio = try TestSupport.presenced("calibrate", TestSupport.repoRoot.appendingPathComponent("Recordings/speech-commands.mcap").path, "--out", out)
        #expect(audio.status == 65 && audio.stderr.contains("no topic of the configured sensors"), "\(audio.status): \(audio.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written")
    }
}

/// A calibration given to a running pipeline (SIGHUP) moves the radar's baseline at once.
@Suite struct PipelineRecalibrationTests {
    @Test func aNewCalibrationMovesTheBaselineAndNoneKeepsIt() {
        let radar = RadarFeatureExtractor(calibration: CalibrationTests.calibration)
        // Still energy 30 at gate 3, where the calibration has 6 ± 3 (limit mean + 2 spreads = 12).
        func excess() -> Float {
            var still = [UInt8](repeating: 4, count: 9)
            still[3] = 30
            let report = LD2410Report(targetState: 2, movingDistanceCm: 0, movingEnergy: 5, stillDistanceCm: 0, stillEnergy: 30,
                                      detectionDistanceCm: 0, movingGateEnergies: GateEnergies([UInt8](repeating: 5, count: 9)),
                                      stillGateEnergies: GateEnergies(still))
            radar.process(.ld2410(report))
            return radar.takeTickSummary().stillExcess
        }
        #expect(abs(excess() - 18) < 1e-4)
        var moved = CalibrationTests.calibration
        moved.stillMean[3] = 40  // a new cupboard at gate 3: limit 46
        radar.recalibrate(moved)
        #expect(excess() == 0)
        radar.recalibrate(nil)
        #expect(excess() == 0, "no calibration keeps the baseline there is")
    }
}
