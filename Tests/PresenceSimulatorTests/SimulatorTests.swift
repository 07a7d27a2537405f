import Foundation
import PresenceCore
import PresenceRadar
import PresenceTestSupport
import Testing
@testable import PresenceSimulator

/// The simulator in-process and through `presenced simulate`: reproducible per seed, samples in time order
/// at each sensor's rate, labels that follow the script, truth masks where the person is.
@Suite struct SimulatorTests {
    /// Every output of a run, in order.
    static func outputs(_ scene: SimulatedScene, seconds: Int64, seed: UInt64 = 1, masks: Bool = false) -> [Simulator.Output] {
        var sim = Simulator(scene: scene, duration: seconds * Nanos.perSecond, seed: seed)
        sim.truthMasks = masks
        var out: [Simulator.Output] = []
        sim.run { out.append($0) }
        return out
    }

    static func samples(_ outputs: [Simulator.Output]) -> [Sample] {
        outputs.compactMap { if case .sample(let s) = $0 { s } else { nil } }
    }

    @Test func samplesComeInTimeOrderAtEachSensorsRate() {
        let samples = Self.samples(Self.outputs(.empty, seconds: 10))
        #expect(zip(samples, samples.dropFirst()).allSatisfy { $0.t <= $1.t })
        #expect(samples.first.map { $0.t >= Simulator.defaultStart } == true)
        #expect(samples.last.map { $0.t < Simulator.defaultStart + 10 * Nanos.perSecond } == true)
        let bySensor = Dictionary(grouping: samples, by: \.sensor).mapValues(\.count)
        #expect(bySensor[.camera] == 150, "15 fps for 10 s")
        // 20 ms audio chunks; radar frames at about 10 Hz, some split across two reads.
        #expect(bySensor[.audio] == 500)
        #expect((100...200).contains(bySensor[.radar] ?? 0), "\(bySensor)")
    }

    @Test func theSameSeedGivesTheSameSamplesAnotherSeedOthers() {
        let a = Self.samples(Self.outputs(.walkThrough, seconds: 4, seed: 7))
        let b = Self.samples(Self.outputs(.walkThrough, seconds: 4, seed: 7))
        let c = Self.samples(Self.outputs(.walkThrough, seconds: 4, seed: 8))
        #expect(a == b)
        #expect(a != c)
    }

    @Test func labelsFollowThePersonAndTruthMasksShowThem() throws {
        // walk-through: someone comes in at 10 s, walks and leaves at about 16.9 s.
        let outputs = Self.outputs(.walkThrough, seconds: 20, masks: true)
        let labels = outputs.compactMap { o -> (t: Double, occupied: Bool)? in
            if case .label(let t, let occupied, _, _) = o { (Nanos.toSeconds(t - Simulator.defaultStart), occupied) } else { nil }
        }
        #expect(labels.map(\.occupied) == [false, true, false], "\(labels)")
        let entry = try #require(labels.dropFirst().first).t
        #expect(abs(entry - 10) < 0.5, "\(labels)")
        let masks = outputs.compactMap { o -> (t: Double, foreground: Int)? in
            if case .truthMask(let t, _, _, let m) = o { (Nanos.toSeconds(t - Simulator.defaultStart), m.count { $0 == 255 }) } else { nil }
        }
        #expect(masks.count == 300, "one truth mask per camera frame")
        #expect(masks.filter { $0.t < 9.5 }.allSatisfy { $0.foreground == 0 })
        #expect(masks.filter { $0.t > 12 && $0.t < 15 }.allSatisfy { $0.foreground > 200 })
    }

    @Test func simulateIsDeterministicForASeed() throws {
        let dir = try TestSupport.temporaryDirectory()
        var files: [Data] = []
        for (i, seed) in [7, 7, 8].enumerated() {
            let out = dir.appendingPathComponent("s\(i).mcap").path
            let r = try TestSupport.presenced("simulate", "--scene", "walk-through", "--duration", "12s", "--seed", "\(seed)", "--out", out)
            #expect(r.status == 0, "\(r.stderr)")
            files.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        #expect(files[0] == files[1])
        #expect(files[0] != files[2])
    }

    /// `--radar ld2450`: the same scene as an LD2450's targets. The person's target follows their walk; an empty
    /// room of a seed with ghosts shows them at fixed places, from its own random stream (the camera and the
    /// microphone are the LD2410 recording's, sample for sample).
    @Test func anLD2450SeesThePersonAndTheRoomsGhosts() throws {
        func run(_ scene: SimulatedScene, seed: UInt64, radar: RadarModel) -> [Sample] {
            var sim = Simulator(scene: scene, duration: 20 * Nanos.perSecond, seed: seed)
            sim.radar = radar
            var out: [Sample] = []
            sim.run { if case .sample(let s) = $0 { out.append(s) } }
            return out
        }
        func targets(_ samples: [Sample]) -> [(t: Double, targets: [LD2450Target])] {
            var parser = LD2450Parser(), out: [(Double, [LD2450Target])] = []
            for s in samples {
                guard case .serial(let chunk) = s.payload else { continue }
                #expect(chunk.model == .ld2450 && chunk.device == "sim-ld2450")
                var messages: [RadarMessage] = []
                parser.feed(chunk.bytes, into: &messages)
                for case .report(.ld2450(let t)) in messages { out.append((Nanos.toSeconds(s.t - Simulator.defaultStart), t.filter(\.isPresent))) }
            }
            return out
        }
        let walk = targets(run(.walkThrough, seed: 3, radar: .ld2450))
        #expect((190...210).contains(walk.count), "about 10 reports a second: \(walk.count)")
        // Someone walks in at 10 s from the door (2.4 m left, 4 m out) towards the middle of the room.
        let inRoom = walk.filter { $0.t > 10.5 && $0.t < 12 }.flatMap(\.targets).filter { $0.speedCmS != 0 }
        #expect(!inRoom.isEmpty && inRoom.allSatisfy { $0.xMm < 0 && $0.yMm > 2000 }, "\(inRoom)")
        // Seed 7's room has ghosts: targets with nobody there, at the same places throughout.
        let empty = targets(run(.empty, seed: 7, radar: .ld2450)).flatMap(\.targets)
        #expect(empty.count > 20, "\(empty.count)")
        let places = Set(empty.map { Int(($0.xMm / 500)) * 100 + Int($0.yMm / 500) })
        #expect(places.count <= 6, "a few fixed places, jittering: \(places)")
        let ld2410 = run(.walkThrough, seed: 3, radar: .ld2410), ld2450 = run(.walkThrough, seed: 3, radar: .ld2450)
        #expect(ld2410.filter { $0.sensor != .radar } == ld2450.filter { $0.sensor != .radar })
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("x.mcap").path
        let scene = try TestSupport.presenced("simulate", "--scene", "ballroom", "--duration", "5s", "--out", out)
        #expect(scene.status == 64 && scene.stderr.contains("unknown scene 'ballroom'"), "\(scene.stderr)")
        let duration = try TestSupport.presenced("simulate", "--scene", "empty", "--duration", "5", "--out", out)
        #expect(duration.status == 64 && duration.stderr.contains("--duration"), "\(duration.stderr)")
        let radar = try TestSupport.presenced("simulate", "--scene", "empty", "--duration", "5s", "--radar", "ld2420", "--out", out)
        #expect(radar.status == 64 && radar.stderr.contains("unknown radar 'ld2420'"), "\(radar.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
