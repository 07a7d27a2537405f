import ArgumentParser
import Dispatch
import Foundation
import PresenceCore
import PresenceService
import Synchronization

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record the configured sources to an MCAP file, with the events the pipeline publishes.",
        discussion: """
        The sources are the configured devices ([camera], [audio], [radar]), or a [replay] file at its speed.
        A complete chunk reaches the disk at least once a second: after kill -9 or a power loss the
        file keeps all but the last second (presenced repair FILE completes it). SIGINT or SIGTERM
        stops the recording and finishes the file. An existing file is never overwritten.
        """)

    @Option(name: .shortAndLong, help: "Configuration file.")
    var config = "/etc/presenced/presenced.toml"

    @Option(help: "How much to record, e.g. 60s or 5m (default: until stopped).")
    var duration: String?

    @Option(help: "Output .mcap file (must not exist).")
    var out: String

    @Option(help: "Scene name for the recording's metadata.")
    var scene = ""

    @Option(help: "Room name for the recording's metadata.")
    var room = ""

    func validate() throws {
        if let duration, (DurationText.parse(duration) ?? 0) <= 0 {
            throw ValidationError("--duration takes a length with a unit such as 60s or 5m, got '\(duration)'")
        }
    }

    func run() throws {
        try exitingOnErrorSync {
            var options = RecordOptions(config: try ConfigLoader.load(path: config), output: out)
            options.duration = duration.flatMap(DurationText.parse)
            options.scene = scene
            options.room = room
            let stop = StopSignals()
            let summary = try RecordSession.run(options, notice: { printError("presenced: \($0)") }, shouldStop: { stop.requested })
            let counts = summary.samples.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
            printError("presenced: recorded \(String(format: "%.1f", summary.seconds)) s (\(counts); \(summary.events) events) to \(out)")
        }
    }
}

/// SIGINT and SIGTERM ask a blocking command to stop and finish its work cleanly.
final class StopSignals: Sendable {
    private final class Flag: Sendable { let value = Atomic<Bool>(false) }
    private let flag = Flag()
    /// Kept so the handlers stay installed; only touched here.
    private nonisolated(unsafe) let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            // The dispatch source sees the signal only once its default action is off.
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [flag] in flag.value.store(true, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    var requested: Bool { flag.value.load(ordering: .relaxed) }
}
