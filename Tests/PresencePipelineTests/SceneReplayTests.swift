import Foundation
import PresenceCore
import PresenceRecording
import PresenceTestSupport
import Testing
import PresenceFusion
import PresenceSimulator

/// simulate → replay through the real binary, judged against the labels:
/// entry within 2 s, exit within hold + 2 s, no flapping, nothing in `empty`.
@Suite struct SceneReplayTests {
    static let scenes: [(SimulatedScene, Int)] = [(.empty, 120), (.walkThrough, 60), (.sitStill, 120)]

    @Test(arguments: scenes)
    func replayMatchesLabels(scene: SimulatedScene, seconds: Int) throws {
        let file = try SceneFixtures.recording(scene, seconds: seconds)
        let r = try TestSupport.presenced("replay", file)
        #expect(r.status == 0, "\(r.stderr)")
        let result = SceneExpectations(labels: try SceneFixtures.labels(file), events: SceneFixtures.events(r.stdoutText),
                                       hold: Tracker.Parameters().hold)
        #expect(result.problems() == [], "\(scene.rawValue): \(r.stdoutText)")
        if scene == .empty { #expect(result.occupancy.isEmpty) }
        // No sensor drops out in these scenes.
        #expect(result.events.count == result.occupancy.count, "unexpected sensor events: \(r.stdoutText)")
    }

    @Test func replayTwiceIsByteIdenticalAndSeqContinuesAcrossFiles() throws {
        let walk = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let first = try TestSupport.presenced("replay", walk)
        let second = try TestSupport.presenced("replay", walk)
        #expect(first.status == 0 && !first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)

        // Two files in one replay: fresh pipeline per file, seq continues.
        let both = try TestSupport.presenced("replay", walk, walk)
        let lines = both.stdoutText.split(separator: "\n")
        let single = first.stdoutText.split(separator: "\n")
        #expect(lines.count == 2 * single.count)
        let seqs = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["seq"] as? Int }
        #expect(seqs == Array(1...lines.count))
    }

    @Test func dumpMasksWritesOnePGMPerFrame() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("w.mcap").path
        _ = try TestSupport.presenced("simulate", "--scene", "walk-through", "--duration", "14s", "--seed", "2", "--out", file)
        let masks = dir.appendingPathComponent("masks").path
        let r = try TestSupport.presenced("replay", file, "--dump-masks", masks, "--features", dir.appendingPathComponent("f.csv").path)
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: masks).sorted()
        #expect(names.count == 14 * 15)
        #expect(names.first == "000001.pgm" && names.last == "000210.pgm")
        // Frame 1 is during background learning: all 0. Around 12 s the person is in view.
        let learning = try Data(contentsOf: URL(fileURLWithPath: masks + "/000001.pgm"))
        let header = Array("P5\n320 240\n255\n".utf8)
        #expect(Array(learning.prefix(header.count)) == header && learning.count == header.count + 320 * 240)
        #expect(learning.dropFirst(header.count).allSatisfy { $0 == 0 })
        let busy = try Data(contentsOf: URL(fileURLWithPath: masks + "/000180.pgm")).dropFirst(header.count)
        #expect(busy.allSatisfy { $0 == 0 || $0 == 255 } && busy.contains(255))
        let csv = try String(contentsOfFile: dir.appendingPathComponent("f.csv").path, encoding: .utf8)
        #expect(csv.hasPrefix("t,camera_foreground,"))
        #expect(csv.split(separator: "\n").count > 130)
    }

    @Test func recordingWithoutSensorTopicsIsBadInput() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("labels-only.mcap").path
        let w = try RecordingWriter(path: file, metadata: [:])
        try w.writeLabel(t: 1, occupied: false)
        try w.finish()
        let r = try TestSupport.presenced("replay", file)
        #expect(r.status == 65, "\(r.stderr)")
        let missing = try TestSupport.presenced("replay", dir.appendingPathComponent("none.mcap").path)
        #expect(missing.status == 66, "\(missing.stderr)")
        let junk = dir.appendingPathComponent("junk.mcap").path
        try Data("this is not an mcap file at all, not even close".utf8).write(to: URL(fileURLWithPath: junk))
        let bad = try TestSupport.presenced("replay", junk)
        #expect(bad.status == 65, "\(bad.stderr)")
    }

    @Test func aTruncatedRecordingIsRefusedUnlessLenient() throws {
        let walk = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: walk))
        let cut = try TestSupport.temporaryDirectory().appendingPathComponent("cut.mcap")
        // About 40 % of the file: past the entry at 10 s, well before the end.
        try bytes.prefix(bytes.count * 2 / 5).write(to: cut)
        let strict = try TestSupport.presenced("replay", cut.path)
        #expect(strict.status == 65 && strict.stderr.contains("--lenient"), "\(strict.stderr)")
        #expect(strict.stdout.isEmpty)
        let lenient = try TestSupport.presenced("replay", "--lenient", cut.path)
        #expect(lenient.status == 0 && lenient.stderr.contains("skipped damaged data"), "\(lenient.stderr)")
        let events = SceneFixtures.events(lenient.stdoutText)
        #expect(events.first.map { if case .occupancy(let o) = $0 { o.occupied } else { false } } == true, "\(lenient.stdoutText)")
    }
}
