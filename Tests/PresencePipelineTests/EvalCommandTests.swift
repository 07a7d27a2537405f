import Foundation
import PresenceRecording
import PresenceTestSupport
import Testing

/// `presenced eval` through the real binary: metrics.json agrees with the
/// replayed events and the labels; the HTML report is one self-contained page.
@Suite struct EvalCommandTests {
    @Test func scoresRecordingsAndWritesASelfContainedReport() throws {
        let walk = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let empty = try SceneFixtures.recording(.empty, seconds: 120)
        let dir = try TestSupport.temporaryDirectory().appendingPathComponent("report")
        let r = try TestSupport.presenced("eval", walk, empty, "--report", dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("walk-through") && r.stdoutText.contains("ALL"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as? [String: Any])
        let recordings = try #require(json["recordings"] as? [[String: Any]])
        #expect(recordings.count == 2)
        let walkScore = try #require(recordings.first?["score"] as? [String: Any])
        // The replayed events say occupied at 10.4 s; the label says someone came in at 10.0 s.
        let replay = try TestSupport.presenced("replay", walk)
        let events = SceneFixtures.events(replay.stdoutText)
        let labels = try SceneFixtures.labels(walk)
        let entryLabel = try #require(labels.first { $0.occupied })
        let entryEvent = try #require(events.first)
        let latency = try #require((walkScore["entryLatencies"] as? [Double])?.first)
        #expect(abs(latency - Double(entryEvent.t - entryLabel.t) / 1e9) < 1e-9)
        #expect((walkScore["missedEntries"] as? [Double]) == [])
        let overall = try #require(json["overall"] as? [String: Any])
        #expect(overall["falseAlarms"] as? Int == 0)
        let ticks = try #require(overall["ticks"] as? [String: Any])
        #expect((ticks["f1"] as? Double ?? 0) > 0.9)
        let conditions = try #require(json["conditions"] as? [String: Any])
        #expect(Set(conditions.keys) == ["empty", "moving"])

        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.contains("walk-through") && html.contains("false alarm"))
        // Self-contained: no scripts, no external resources (the SVG namespace is a name, not a fetch).
        #expect(!html.contains("<script"))
        #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
    }

    @Test func badInputGivesTheDocumentedExitCodes() throws {
        let dir = try TestSupport.temporaryDirectory()
        // A recording with a sensor but no labels: nothing to score.
        let unlabelled = dir.appendingPathComponent("unlabelled.mcap").path
        let w = try RecordingWriter(path: unlabelled, metadata: [:])
        try w.write(.init(t: 1_000_000_000, payload: .audio(.init(sampleRate: 16000, samples: [Int16](repeating: 0, count: 320)))))
        try w.finish()
        let none = try TestSupport.presenced("eval", unlabelled, "--report", dir.appendingPathComponent("r").path)
        #expect(none.status == 65 && none.stderr.contains("no /labels/occupancy"), "\(none.stderr)")
        let missing = try TestSupport.presenced("eval", dir.appendingPathComponent("nope.mcap").path, "--report", dir.path)
        #expect(missing.status == 66, "\(missing.stderr)")
        let walk = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let unwritable = try TestSupport.presenced("eval", walk, "--report", "/proc/presenced-report")
        #expect(unwritable.status == 74, "\(unwritable.stderr)")
    }
}
