import Foundation
import PresenceCore
import PresenceRecording
import PresenceTestSupport
import Testing
@testable import PresenceService

/// The flight recorder: clips from `history` before an occupancy change to
/// `after` past it, assembled in memory (unit) and written by the daemon (end to end).
@Suite struct FlightRecorderTests {
    static func audio(_ t: Int64) -> Sample { Sample(t: t, payload: .audio(AudioChunk(sampleRate: 16000, samples: [1]))) }
    static func change(_ t: Int64, _ occupied: Bool) -> PresenceEvent {
        .occupancy(OccupancyChange(t: t, occupied: occupied, confidence: 0.9, sources: [:]))
    }
    static let s = Nanos.perSecond

    @Test func aClipRunsFromHistoryBeforeTheChangeToAfterIt() {
        let r = FlightRecorder(history: 5 * Self.s, after: 3 * Self.s)
        var clips: [FlightRecorder.Clip] = []
        // A sample every 100 ms for 60 s; changes at 10 s and, inside that clip, 12 s; another at 40 s.
        for k in 1...600 {
            let t = Int64(k) * Self.s / 10
            if let c = r.add(Self.audio(t)) { clips.append(c) }
            if [100, 120, 400].contains(k) {
                r.add(events: [Self.change(t, k != 120)], lines: ["e\(k)"])
            }
        }
        #expect(clips.count == 2)
        guard clips.count == 2 else { return }
        // 5 s before 10 s to 3 s after the change at 12 s that extended it.
        #expect(clips[0].trigger.t == 10 * Self.s && clips[0].start == 5 * Self.s && clips[0].end == 15 * Self.s)
        #expect(clips[0].samples.first?.t == 5 * Self.s && clips[0].samples.last?.t == 15 * Self.s)
        #expect(clips[0].samples.count == 101)
        #expect(clips[0].events.map(\.json) == ["e100", "e120"])
        #expect(clips[1].samples.first?.t == 35 * Self.s && clips[1].samples.last?.t == 43 * Self.s)
        #expect(r.finish() == nil)
    }

    /// A label from the live page opens a clip as a change does (named after it), or goes into the open one.
    @Test func aLabelOpensAClipOrJoinsTheOpenOne() {
        let r = FlightRecorder(history: 2 * Self.s, after: 3 * Self.s)
        var clips: [FlightRecorder.Clip] = []
        for k in 1...300 {
            let t = Int64(k) * Self.s / 10
            if let c = r.add(Self.audio(t)) { clips.append(c) }
            if k == 50 { r.add(label: false, at: t) }
            if k == 150 { r.add(events: [Self.change(t, true)], lines: ["e150"]) }
            if k == 160 { r.add(label: true, at: t) }
        }
        #expect(clips.count == 2)
        guard clips.count == 2 else { return }
        #expect(clips[0].trigger.t == 5 * Self.s && clips[0].trigger.what == "labelled-empty")
        #expect(clips[0].labels.map(\.occupied) == [false] && clips[0].start == 3 * Self.s && clips[0].end == 8 * Self.s)
        #expect(clips[1].trigger.what == "occupied" && clips[1].labels.map(\.t) == [16 * Self.s])
        #expect(clips[1].end == 19 * Self.s, "the label extended the change's clip")
    }

    @Test func theOpenClipIsHandedOverOnShutdown() {
        let r = FlightRecorder(history: 2 * Self.s, after: 10 * Self.s)
        for k in 1...50 { _ = r.add(Self.audio(Int64(k) * Self.s / 10)) }
        r.add(events: [Self.change(5 * Self.s, true)], lines: ["e"])
        let clip = r.finish()
        #expect(clip?.samples.count == 21 && clip?.events.count == 1)
    }

    @Test func theDaemonWritesAClipAroundEachChange() throws {
        let dir = try TestSupport.temporaryDirectory()
        let walk = try SceneFixtures.recording(.walkThrough, seconds: 60)
        try """
        [replay]
        file = "\(walk)"
        loop = false
        speed = 20
        [socket]
        path = "run/events.sock"
        group = ""
        [metrics]
        listen = ""
        [recording]
        dir = "clips"
        flight_recorder = "4s"
        clip_after = "2s"
        [state]
        dir = "state"
        """.write(to: dir.appendingPathComponent("fr.toml"), atomically: true, encoding: .utf8)
        // Without loop the replay ends and so does the daemon, after writing its clips.
        let r = try TestSupport.presenced("run", "--config", dir.appendingPathComponent("fr.toml").path)
        #expect(r.status == 0, "\(r.stderr)")
        let clipsDir = dir.appendingPathComponent("clips").path
        let names = try FileManager.default.contentsOfDirectory(atPath: clipsDir).sorted()
        // The walk-through's golden events: occupied at 10.4 s, vacant at 46.9 s.
        #expect(names == ["clip-2026-11-23T06-00-10.400Z-occupied.mcap", "clip-2026-11-23T06-00-46.900Z-vacant.mcap"])
        guard names.count == 2 else { return }
        let reader = try RecordingReader(path: clipsDir + "/" + names[0])
        #expect(reader.metadata["presenced"]?["trigger"]?.hasPrefix("occupied at 2026-11-23T06:00:10.400Z") == true)
        var samples: [Int64] = [], events: [String] = []
        while let m = try reader.next() {
            switch m.content {
            case .sample(let s): samples.append(s.t)
            case .event(let e): events.append(e)
            case .label: Issue.record("a clip has no labels until someone adds them")
            }
        }
        let change: Int64 = 1_795_413_610_400_000_000
        #expect(samples.first! >= change - 4 * Self.s && samples.first! < change - 4 * Self.s + Self.s / 10)
        #expect(samples.last! <= change + 2 * Self.s && samples.last! > change + 2 * Self.s - Self.s / 10)
        #expect(events.count == 1 && events[0].contains("\"occupied\":true"))
        // A clip replays like any recording.
        let replay = try TestSupport.presenced("replay", clipsDir + "/" + names[0])
        #expect(replay.status == 0, "\(replay.stderr)")
    }
}
