import Foundation
import Logging
import PresenceTestSupport
import Testing
@testable import PresenceService

/// Logging into the journal when stderr is the journal (JOURNAL_STREAM): entries carry PRIORITY and
/// the metadata as fields (SENSOR=radar). The daemon runs in a private mount namespace where our own
/// datagram socket sits at /run/systemd/journal/socket, the fixed path of the journal's native
/// protocol, so what libsystemd sends is read back exactly as journald would receive it.
@Suite(.serialized) struct JournalLoggingTests {
    /// The journal's native protocol: "KEY=value\n", or "KEY\n" + 64-bit little-endian length + bytes + "\n".
    static func fields(of datagram: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        var i = 0
        while i < datagram.count {
            guard let end = datagram[i...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") }) else { break }
            let key = String(decoding: datagram[i..<end], as: UTF8.self)
            if datagram[end] == UInt8(ascii: "=") {
                let stop = datagram[(end + 1)...].firstIndex(of: UInt8(ascii: "\n")) ?? datagram.count
                fields[key] = String(decoding: datagram[(end + 1)..<stop], as: UTF8.self)
                i = stop + 1
            } else {
                guard end + 9 <= datagram.count else { break }
                let length = datagram[(end + 1)..<(end + 9)].reversed().reduce(0) { $0 << 8 | Int($1) }
                let start = end + 9
                guard start + length <= datagram.count else { break }
                fields[key] = String(decoding: datagram[start..<(start + length)], as: UTF8.self)
                i = start + length + 1
            }
        }
        return fields
    }

    @Test func entriesCarryPriorityAndSensorFields() throws {
        let dir = try TestSupport.temporaryDirectory("journal")
        let journalDir = dir.appendingPathComponent("journal")
        try FileManager.default.createDirectory(at: journalDir, withIntermediateDirectories: true)
        let journal = try DatagramSink(path: journalDir.appendingPathComponent("socket").path)
        // A private /run with our socket directory at /run/systemd/journal; `-r` (a user namespace)
        // gives an unprivileged user the right to mount there.
        let script = "mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal && mount --bind '\(journalDir.path)' /run/systemd/journal && exec \"$0\" \"$@\""
        let unshare = getuid() == 0 ? ["/usr/bin/unshare", "-m", "--propagation", "private"] : ["/usr/bin/unshare", "-r", "-m", "--propagation", "private"]
        // A radar that is not there: a `lost` status, logged at warning with the sensor's name.
        let daemon = try DaemonTests.RunningDaemon(
            sources: "[radar]\ndevice = \"\(dir.path)/no-such-tty\"\n",
            launcher: unshare + ["--", "/bin/sh", "-c", script], stderrIsJournal: true)
        defer { kill(daemon.process.processIdentifier, SIGTERM); daemon.process.waitUntilExit() }

        func entries() -> [[String: String]] { journal.datagrams.map { Self.fields(of: $0.1) } }
        let sawLost = TestSupport.eventually(timeout: 20) {
            entries().contains { $0["SENSOR"] == "radar" && $0["PRESENCED_STATUS"] == nil && $0["STATUS"] == "lost" }
        }
        #expect(sawLost, "journal got: \(entries()); stderr: \(daemon.log)")
        let lost = try #require(entries().first { $0["SENSOR"] == "radar" })
        #expect(lost["PRIORITY"] == "4")
        #expect(lost["SYSLOG_IDENTIFIER"] == "presenced")
        #expect(lost["MESSAGE"]?.hasPrefix("sensor status changed ") == true, "\(lost)")
        #expect(lost["MESSAGE"]?.contains("sensor=radar") == true, "\(lost)")
        #expect(lost["CODE_FILE"]?.hasSuffix("PipelineService.swift") == true, "\(lost)")
        let start = try #require(entries().first { $0["MESSAGE"]?.hasPrefix("presenced starting") == true })
        #expect(start["PRIORITY"] == "6")
        // Nothing went to stderr while the journal took it.
        #expect(!daemon.log.contains("sensor status changed"), "\(daemon.log)")
    }

    @Test func metadataKeysBecomeJournalFieldNames() {
        #expect(JournalFields.fieldName("sensor") == "SENSOR")
        #expect(JournalFields.fieldName("client_id") == "CLIENT_ID")
        #expect(JournalFields.fieldName("in") == "IN")
        // The journal's own fields are not overwritten; trusted (underscore) and digit-led names are not made.
        #expect(JournalFields.fieldName("message") == "PRESENCED_MESSAGE")
        #expect(JournalFields.fieldName("priority") == "PRESENCED_PRIORITY")
        #expect(JournalFields.fieldName("_pid") == "PRESENCED__PID")
        #expect(JournalFields.fieldName("2x") == "PRESENCED_2X")
        #expect(JournalFields.fieldName("a-b.c") == "A_B_C")
        #expect(JournalFields.priority(.critical) == 2 && JournalFields.priority(.debug) == 7 && JournalFields.priority(.notice) == 5)
        let entry = JournalFields.entry(level: .error, message: "clip not written", metadata: ["file": "x.mcap", "error": "ENOSPC"],
                                        file: "ClipWriter.swift", function: "write()", line: 117)
        #expect(entry.first == "MESSAGE=clip not written error=ENOSPC file=x.mcap")
        #expect(entry.contains("PRIORITY=3") && entry.contains("FILE=x.mcap") && entry.contains("ERROR=ENOSPC") && entry.contains("CODE_LINE=117"))
    }

    @Test func onlyTheJournalsOwnStreamCounts() {
        #expect(!JournalLogHandler.stderrIsJournal(environment: [:]))
        #expect(!JournalLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        // Stderr of this test process is a pipe or a terminal, not this made-up device and inode.
        #expect(!JournalLogHandler.stderrIsJournal(environment: ["JOURNAL_STREAM": "1:1"]))
    }
}
