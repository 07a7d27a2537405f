import Foundation
import PresenceCore
import PresenceDSP
import PresencePipeline
import PresenceRadar
import PresenceRecording
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
        // Still energy 30 at gate 3, where the calibration has 6 ± 3: level mean + 1.28 spreads, excess above level
        // + a spread, 12.84.
        func excess() -> Float {
            var still = [UInt8](repeating: 4, count: 9)
            still[3] = 30
            let report = LD2410Report(targetState: 2, movingDistanceCm: 0, movingEnergy: 5, stillDistanceCm: 0, stillEnergy: 30,
                                      detectionDistanceCm: 0, movingGateEnergies: GateEnergies([UInt8](repeating: 5, count: 9)),
                                      stillGateEnergies: GateEnergies(still))
            radar.process(.ld2410(report))
            return radar.takeTickSummary().stillExcess
        }
        #expect(abs(excess() - 17.16) < 1e-3)
        var moved = CalibrationTests.calibration
        moved.stillMean[3] = 40  // a new cupboard at gate 3: above 46
        radar.recalibrate(moved)
        #expect(excess() == 0)
        radar.recalibrate(nil)
        #expect(excess() == 0, "no calibration keeps the baseline there is")
    }
}

/// An LD2450's empty room: the places where it reports targets with nobody there (ghosts), learned by `calibrate`
/// from a recording and used by the pipeline (a target standing still at a ghost is not counted).
@Suite struct LD2450GhostTests {
    /// A minute of an empty room at 10 reports a second: a ghost at (1.2, 2.0) m in 60 % of the reports,
    /// jittering by a few centimetres, and someone walking across the room for three seconds.
    static func emptyRoom() -> [(Int64, LD2450Targets)] {
        var rng = SplitMix64(seed: 5)
        return (0..<600).map { k in
            var targets: [LD2450Target] = []
            if rng.next() % 10 < 6 {
                targets.append(LD2450Target(xMm: Int16(1200 + Int(rng.next() % 60) - 30), yMm: Int16(2000 + Int(rng.next() % 60) - 30),
                                            speedCmS: 0, resolutionMm: 360))
            }
            if (300..<330).contains(k) {
                let f = Float(k - 300) / 30
                targets.append(LD2450Target(xMm: Int16(-2000 + 4000 * f), yMm: Int16(4000 - 3000 * f), speedCmS: 120, resolutionMm: 360))
            }
            return (Int64(k) * 100_000_000, LD2450Targets(targets))
        }
    }

    @Test func theCalibratorFindsTheGhostAndNotThePasserBy() throws {
        var calibrator = RadarCalibrator()
        for (t, targets) in Self.emptyRoom() { calibrator.add(targets, at: t) }
        let c = try #require(calibrator.calibration())
        #expect(c.sensor == .ld2450 && c.problem == nil && c.reports == 600)
        #expect(c.ghosts.count == 1, "\(c.ghosts)")
        let g = try #require(c.ghosts.first)
        #expect(abs(g.x - 1.2) < 0.05 && abs(g.y - 2.0) < 0.05 && abs(g.share - 0.6) < 0.1, "\(g)")
        // The file keeps an LD2450's fields only, and an LD2410's as they always were.
        let file = RadarCalibrationFile(calibration: c, created: "2026-12-07T06:00:00Z", sources: ["empty.mcap"])
        let text = String(decoding: try file.encoded(), as: UTF8.self)
        #expect(text.contains("\"ghosts\"") && !text.contains("moving_mean"), "\(text)")
        #expect(try RadarCalibrationFile.decode(try file.encoded(), for: .ld2450) == file)
        let ld2410 = String(decoding: try RadarCalibrationFile(calibration: CalibrationTests.calibration, created: "", sources: []).encoded(), as: UTF8.self)
        #expect(!ld2410.contains("ghosts"), "\(ld2410)")
    }

    /// A target standing at a calibrated ghost is not counted (without the calibration it is not either: it never
    /// went anywhere); someone who walks in is, also when they walk past the ghost.
    @Test func aTargetStandingAtAGhostIsNotCountedOneWalkingPastIs() {
        let c = RadarCalibration(ld2450Ghosts: [RadarGhost(x: 1.2, y: 2.0, radius: 0.45, share: 0.6)], reports: 600, seconds: 60)
        let radar = RadarFeatureExtractor(calibration: c), uncalibrated = RadarFeatureExtractor()
        func targets(_ list: [LD2450Target]) -> (Float, Float) {
            radar.process(.ld2450(LD2450Targets(list)))
            uncalibrated.process(.ld2450(LD2450Targets(list)))
            return (radar.takeTickSummary().targets, uncalibrated.takeTickSummary().targets)
        }
        let ghost = LD2450Target(xMm: 1250, yMm: 1950, speedCmS: 0, resolutionMm: 360)
        #expect(targets([ghost]) == (0, 0))
        // Someone walks in from the far end of the room, through the ghost's place, and stops half a metre past it.
        let walk = (0..<35).map { (k: Int) -> LD2450Target in
            LD2450Target(xMm: 1200, yMm: Int16(4000 - 100 * min(k, 25)), speedCmS: k < 25 ? -100 : 0, resolutionMm: 360)
        }
        let counts = walk.map { targets([$0, ghost]) }
        #expect(counts.suffix(22).allSatisfy { $0 == (1, 1) }, "walking past it and standing beside it: \(counts)")
    }

    /// A ghost that moves on the spot (a vibrating appliance, a fan): the calibration learns how fast it moves.
    @Test func theCalibratorLearnsHowFastAGhostMoves() throws {
        var calibrator = RadarCalibrator()
        for k in 0..<600 {
            let speed = Int16(k % 13 * 5 - 30)  // -30 ... +30 cm/s
            calibrator.add(LD2450Targets([LD2450Target(xMm: -800, yMm: 1900, speedCmS: speed, resolutionMm: 360)]), at: Int64(k) * 100_000_000)
        }
        let g = try #require(calibrator.calibration()?.ghosts.first)
        #expect(g.speed > 0.4 && g.speed <= RadarGhost.fastestSpeed, "\(g)")
        #expect(g.explains(LD2450Target(xMm: -780, yMm: 1920, speedCmS: 30, resolutionMm: 360)))
        #expect(!g.explains(LD2450Target(xMm: -780, yMm: 1920, speedCmS: 110, resolutionMm: 360)), "someone walking past")
        // A file from before ghosts had a speed reads as still ghosts, and its checksum still matches.
        let old = try JSONDecoder().decode(RadarGhost.self, from: Data(#"{"x":1,"y":2,"radius":0.45,"share":0.5}"#.utf8))
        #expect(old.speed == RadarGhost.stillSpeed)
        let still = RadarCalibration(ld2450Ghosts: [old], reports: 600, seconds: 60)
        let before = RadarCalibrationFile(calibration: still, created: "2026-12-01T06:00:00Z", sources: ["empty.mcap"])
        let text = String(decoding: try before.encoded(), as: UTF8.self)
        #expect(!text.contains("speed"), "\(text)")
        #expect(try RadarCalibrationFile.decode(try before.encoded(), for: .ld2450) == before)
        var fast = RadarCalibration(ld2450Ghosts: [g], reports: 600, seconds: 60)
        fast.ghosts[0].speed = 2
        #expect(fast.problem?.contains("speed") == true)
    }

    @Test func calibrateLearnsAnLD2450RecordingAndTheConfigUsesIt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let empty = dir.appendingPathComponent("ld2450.mcap").path
        let writer = try RecordingWriter(path: empty, metadata: [:])
        for (t, targets) in Self.emptyRoom() {
            try writer.write(Sample(t: 1_800_000_000_000_000_000 + t, payload: .serial(SerialChunk(model: .ld2450, device: "ttyUSB0", bytes: LD2450Parser.encode(Array(targets))))))
        }
        try writer.finish()
        let out = dir.appendingPathComponent("room.json").path
        let r = try TestSupport.presenced("calibrate", empty, "--out", out)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("ld2450, 600 reports over 60 s; 1 ghost(s) at (1.2"), "\(r.stdoutText)")
        // The pipeline uses it with an LD2450; an LD2410 is refused it (78 naming the key).
        let config = dir.appendingPathComponent("c.toml").path
        try "[radar]\nmodel = \"ld2450\"\ncalibration = \"room.json\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let replay = try TestSupport.presenced("replay", empty, "--config", config)
        #expect(replay.status == 0, "\(replay.stderr)")
        try "[radar]\nmodel = \"ld2410\"\ncalibration = \"room.json\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let wrong = try TestSupport.presenced("replay", empty, "--config", config)
        #expect(wrong.status == 78 && wrong.stderr.contains("radar.calibration") && wrong.stderr.contains("LD2450"), "\(wrong.stderr)")
    }
}
