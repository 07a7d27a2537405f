import Foundation
import PresenceCore
import PresenceFusion
import PresencePipeline
import PresenceTestSupport
import Testing
@testable import PresenceService

/// The room's state file: what is saved comes back; an absent, old, damaged, foreign or future file means a
/// vacant start with the reason; a write replaces the file whole.
@Suite struct RoomStateFileTests {
    static let s = Nanos.perSecond
    static let room = RoomState(t: 1000 * s, tracker: Tracker.Snapshot(occupied: true, since: 900 * s, holdUntil: 1030 * s, lastProbable: 995 * s),
                                confidence: 0.87, sensors: [.camera: .ok, .audio: .degraded, .radar: .lost])

    @Test func whatIsSavedComesBackWithinTheWindow() throws {
        let dir = try TestSupport.temporaryDirectory("state")
        let file = RoomStateFile(directory: dir.appendingPathComponent("sub").path)  // made if missing
        try file.save(Self.room, savedAt: 5000 * Self.s)
        #expect(file.load(now: 5020 * Self.s, within: 30 * Self.s) == .restore(Self.room, savedAt: 5000 * Self.s, age: 20 * Self.s))
        // Nothing half-written is left beside it, and only the daemon's group may read it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path) == ["room-state.json"])
        var st = stat()
        #expect(stat(file.path, &st) == 0 && st.st_mode & 0o777 == 0o640 & ~Self.umaskNow())
        // A vacant room comes back too; a new save replaces the old one.
        let vacant = RoomState(t: 2000 * Self.s, tracker: Tracker.Snapshot(occupied: false, since: 1500 * Self.s), confidence: 0, sensors: [:])
        try file.save(vacant, savedAt: 6000 * Self.s)
        #expect(file.load(now: 6001 * Self.s, within: 30 * Self.s) == .restore(vacant, savedAt: 6000 * Self.s, age: 1 * Self.s))
    }

    static func umaskNow() -> mode_t {
        let m = umask(0)
        umask(m)
        return m
    }

    @Test func anAbsentOldDamagedForeignOrFutureFileMeansAVacantStart() throws {
        let dir = try TestSupport.temporaryDirectory("state")
        let file = RoomStateFile(directory: dir.path)
        func reason(_ now: Int64, within: Int64 = 30 * Self.s) -> (String, Bool)? {
            if case .none(let reason, let problem) = file.load(now: now, within: within) { return (reason, problem) }
            return nil
        }
        #expect(reason(0).map { $0.0.hasPrefix("no saved room state") && !$0.1 } == true)
        try file.save(Self.room, savedAt: 5000 * Self.s)
        #expect(reason(5031 * Self.s).map { $0.0.contains("31s old, older than fusion.restore_within (30s)") && !$0.1 } == true)
        #expect(reason(5001 * Self.s, within: 0).map { $0.0.contains("restore_within is 0s") } == true)
        #expect(reason(4998 * Self.s).map { $0.0.contains("2s in the future") && $0.1 } == true, "the clock went back")
        // Half a second in the future is a clock stepped by NTP between a stop and a start: taken up.
        #expect({ if case .restore = file.load(now: 4999_500 * Nanos.perMillisecond, within: 30 * Self.s) { true } else { false } }())

        let original = try String(contentsOfFile: file.path, encoding: .utf8)
        let damaged: [(String, String)] = [
            (String(original.prefix(original.count / 2)), "damaged"),  // cut short (a power loss without the rename)
            ("", "damaged"),
            (original.replacingOccurrences(of: "presenced-room-state", with: "someone-else"), "not a room state of this version"),
            (original.replacingOccurrences(of: "\"version\":1", with: "\"version\":2"), "not a room state of this version"),
            (original.replacingOccurrences(of: "\"radar\":\"lost\"", with: "\"radar\":\"asleep\""), "unknown sensor or status"),
            (original.replacingOccurrences(of: "\"confidence\":0.87", with: "\"confidence\":7"), "do not fit together"),
            (original.replacingOccurrences(of: "\"hold_until\":1030000000000,", with: ""), "do not fit together"),
        ]
        for (text, why) in damaged {
            try text.write(toFile: file.path, atomically: false, encoding: .utf8)
            let r = reason(5001 * Self.s)
            #expect(r.map { $0.0.contains(why) && $0.0.contains("starts vacant") && $0.1 } == true, "\(why): \(String(describing: r))")
        }
    }

    @Test func aStateDirectoryThatCannotBeWrittenIsAnErrorNotACrash() throws {
        let dir = try TestSupport.temporaryDirectory("state")
        let blocker = dir.appendingPathComponent("file")
        try Data().write(to: blocker)
        let file = RoomStateFile(directory: blocker.appendingPathComponent("below").path)
        #expect(throws: ServerError.self) { try file.save(Self.room, savedAt: 0) }
    }
}
