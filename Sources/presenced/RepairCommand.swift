import ArgumentParser
import PresenceRecording

struct Repair: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite a recording cut short (kill -9, power loss, full disk) or damaged into a complete file.",
        discussion: """
        Every message that can still be read is kept, with every topic, schema and metadata record; chunk
        indexes and the summary are written anew. The file is replaced atomically (or --out is written).
        A complete, undamaged file is left as it is.
        """)

    @Argument(help: "The recording (.mcap).")
    var file: String

    @Option(help: "Write the repaired recording here instead of replacing FILE.")
    var out: String?

    func run() throws {
        try exitingOnErrorSync {
            let report = try RecordingRewrite.repair(path: file, output: out)
            if report.wasIntact {
                print("\(file): complete and undamaged (\(report.messages) messages); left as it is")
            } else {
                print("\(out ?? file): rewritten with \(report.messages) messages" + (report.damage.map { "; lost: \($0)" } ?? ""))
            }
        }
    }
}
