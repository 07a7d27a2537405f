import Foundation
import PresenceCore
import PresenceRecording
import PresenceTestSupport
import Testing

/// `record`, `repair` and `label` through the real binary: a recording cut by
/// kill -9 or a full disk keeps every completed chunk and is made whole again;
/// labels are added and corrected without losing anything else.
@Suite struct RecordCommandTests {
    static func config(in dir: URL, source: String, speed: Double) throws -> String {
        let path = dir.appendingPathComponent("record.toml").path
        try """
        [replay]
        file = "\(source)"
        loop = false
        speed = \(speed)

        [metrics]
        listen = ""
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every message of a recording, read leniently, and what was skipped.
    static func readLeniently(_ path: String) throws -> (messages: [RecordingMessage], damage: String?) {
        let r = try RecordingReader(path: path, lenient: true)
        var out: [RecordingMessage] = []
        while let m = try r.next() { out.append(m) }
        return (out, r.skippedDamage)
    }

    static func span(_ messages: [RecordingMessage]) -> Double {
        let samples = messages.filter { if case .sample = $0.content { true } else { false } }.map(\.logTime)
        guard let first = samples.min(), let last = samples.max() else { return 0 }
        return Double(last - first) / 1e9
    }

    @Test func aRecordingKilledMidwayKeepsItsChunksAndRepairMakesItWhole() throws {
        let dir = try TestSupport.temporaryDirectory()
        let source = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let config = try Self.config(in: dir, source: source, speed: 1)
        let out = dir.appendingPathComponent("killed.mcap").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestSupport.binary)
        p.arguments = ["record", "--config", config, "--duration", "30s", "--out", out]
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 3.5)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)

        // No summary, perhaps a chunk cut in half: what was flushed each second is all there. 3.5 s after
        // the start, less up to a second for the binary to start on a busy machine and one for the open chunk.
        let (kept, _) = try Self.readLeniently(out)
        #expect(Self.span(kept) >= 1.5, "only \(Self.span(kept)) s survived kill -9")

        let repair = try TestSupport.presenced("repair", out)
        #expect(repair.status == 0 && repair.stdoutText.contains("rewritten"), "\(repair.stderr)")
        let reader = try RecordingReader(path: out)
        var whole: [RecordingMessage] = []
        while let m = try reader.next() { whole.append(m) }
        #expect(whole.count == kept.count)
        #expect(reader.metadata["presenced"]?["source"] == source)
        // Python's independent reader agrees that the repaired file is a complete, valid MCAP.
        if FileManager.default.isExecutableFile(atPath: TestSupport.python) {
            let py = try TestSupport.run(TestSupport.python, [TestSupport.repoRoot.appendingPathComponent("scripts/pycheck/read_all.py").path, out])
            #expect(py.status == 0, "\(py.stderr)")
        }
        let again = try TestSupport.presenced("repair", out)
        #expect(again.status == 0 && again.stdoutText.contains("left as it is"), "\(again.stdoutText)")
    }

    @Test func aFullDiskStopsTheRecordingAndKeepsWhatWasWritten() throws {
        let dir = try TestSupport.temporaryDirectory()
        let source = try SceneFixtures.recording(.walkThrough, seconds: 60)
        let config = try Self.config(in: dir, source: source, speed: 0)
        let kept = dir.appendingPathComponent("kept.mcap").path
        let small = dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        // A 4 MB tmpfs in a private mount namespace fills after a few seconds of camera frames (a real ENOSPC).
        // Where mount namespaces are not allowed, a file-size limit gives the same failed write (EFBIG).
        let record = "'\(TestSupport.binary)' record --config '\(config)' --duration 50s --out '\(small.path)/r.mcap'"
        var r = try TestSupport.run("/usr/bin/unshare", ["-m", "/bin/sh", "-c",
            "mount -t tmpfs -o size=4m tmpfs '\(small.path)' || exit 99; \(record); s=$?; cp '\(small.path)/r.mcap' '\(kept)'; exit $s"])
        var limit = "No space left on device"
        if r.status == 99 || r.stderr.contains("unshare") {
            limit = "File too large"
            r = try TestSupport.run("/bin/sh", ["-c", "ulimit -f 4096; trap '' XFSZ; \(record); s=$?; cp '\(small.path)/r.mcap' '\(kept)'; exit $s"])
        }
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.contains(limit) && r.stderr.contains("is kept"), "\(r.stderr)")
        // The file ends on a record boundary: it reads to its end, without damage.
        let (messages, damage) = try Self.readLeniently(kept)
        #expect(damage == nil, "\(damage ?? "")")
        #expect(Self.span(messages) >= 1 && Self.span(messages) < 50)
        let repaired = dir.appendingPathComponent("repaired.mcap").path
        let repair = try TestSupport.presenced("repair", kept, "--out", repaired)
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(try RecordingReader(path: repaired).next() != nil)
    }

    @Test func labelsAreAddedAndCorrectedWithoutLosingAnythingElse() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("python.mcap").path
        guard FileManager.default.isExecutableFile(atPath: TestSupport.python) else {
            Issue.record("needs the Python virtualenv (make venv)")
            return
        }
        let script = TestSupport.repoRoot.appendingPathComponent("scripts/pycheck/write_sample.py").path
        #expect(try TestSupport.run(TestSupport.python, [script, file]).status == 0)
        let before = try Self.readLeniently(file).messages

        // The Python sample starts at T0 with a label; put one 0.3 s in, then correct it.
        let add = try TestSupport.presenced("label", file, "--at", "300ms", "--occupied", "true", "--count", "2", "--condition", "two-people")
        #expect(add.status == 0, "\(add.stderr)")
        let fix = try TestSupport.presenced("label", file, "--at", "1795413600300000000", "--occupied", "false", "--condition", "pet")
        #expect(fix.status == 0, "\(fix.stderr)")
        let after = try Self.readLeniently(file).messages
        #expect(after.count == before.count + 1)
        let labels = after.compactMap { m -> (Int64, OccupancyLabel)? in if case .label(let l) = m.content { (m.logTime, l) } else { nil } }
        #expect(labels.map(\.0) == [1_795_413_600_000_000_000, 1_795_413_600_300_000_000, 1_795_413_600_600_000_000])
        #expect(labels[1].1 == OccupancyLabel(occupied: false, condition: "pet"))
        // The unknown topic written by Python is still there, and Python still reads the file.
        let py = try TestSupport.run(TestSupport.python, [TestSupport.repoRoot.appendingPathComponent("scripts/pycheck/read_all.py").path, file, "--any-content"])
        #expect(py.status == 0 && py.stdoutText.contains("\"/weather\": 1"), "\(py.stdoutText) \(py.stderr)")

        let bad = try TestSupport.presenced("label", file, "--at", "soon", "--occupied", "true")
        #expect(bad.status == 64, "\(bad.stderr)")
        let missing = try TestSupport.presenced("label", dir.appendingPathComponent("none.mcap").path, "--at", "1s", "--occupied", "true")
        #expect(missing.status == 66, "\(missing.stderr)")
    }
}
