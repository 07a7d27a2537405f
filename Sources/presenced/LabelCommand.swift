import ArgumentParser
import PresenceCore
import PresenceRecording
import PresenceService

struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add or correct an occupancy label in a recording.",
        discussion: """
        The label holds from --at until the next label (DESIGN.md §3). --at is a time from the start of the
        recording with a unit (12.5s, 2m) or an absolute log_time in nanoseconds (1795413612500000000).
        A label already at exactly that time is replaced. The file is rewritten whole and replaced atomically.
        """)

    @Argument(help: "The recording (.mcap).")
    var file: String

    @Option(help: "When the label starts: 12.5s (from the start of the recording) or a log_time in ns.")
    var at: String

    @Option(help: "true: someone is in the room; false: nobody.")
    var occupied: Bool

    @Option(help: "How many people.")
    var count: Int?

    @Option(help: "What the room is like (still, pet, lamp, ...): evaluation reports per condition.")
    var condition: String?

    @Option(help: "Write the labelled recording here instead of replacing FILE.")
    var out: String?

    func validate() throws {
        guard position != nil else {
            throw ValidationError("--at takes a time with a unit (12.5s, 2m) or a log_time in nanoseconds, got '\(at)'")
        }
        if let count, count < 0 { throw ValidationError("--count must be 0 or more") }
        if let count, count > 0, !occupied { throw ValidationError("--count \(count) with --occupied false") }
    }

    private var position: RecordingRewrite.Position? {
        if let ns = Int64(at), ns >= 0 { return .logTime(ns) }
        return DurationText.parse(at).map { .offset($0) }
    }

    func run() throws {
        try exitingOnErrorSync {
            let label = OccupancyLabel(occupied: occupied, count: count, condition: condition)
            let (report, t) = try RecordingRewrite.setLabel(path: file, at: position!, label: label, output: out)
            print("\(out ?? file): label occupied=\(occupied) at \(Nanos.rfc3339(t)) (log_time \(t)); \(report.messages) messages")
        }
    }
}
