import ArgumentParser
import Foundation
import PresenceService
import Synchronization

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A live view of the daemon's event socket: the room, confidence, sensors, the last events.",
        discussion: """
            On a terminal the view is redrawn in place; into a pipe or a file (or with --lines) each event is \
            one sentence. Either way it waits for the daemon and follows it across restarts. \
            Colours follow NO_COLOR (https://no-color.org).
            """)

    @Option(help: "Event socket path.")
    var socket = "/run/presenced/events.sock"

    @Flag(help: "One sentence per event even on a terminal.")
    var lines = false

    @Flag(help: "The live screen even when standard output is not a terminal.")
    var screen = false

    /// Set by SIGINT/SIGTERM, so that the screen gives the terminal back (cursor shown) before exiting.
    private static let interrupted = Atomic<Bool>(false)

    func validate() throws {
        if lines, screen { throw ValidationError("--lines and --screen exclude each other") }
    }

    func run() throws {
        let terminal = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        let mode: WatchClient.Mode = screen || (terminal && !lines)
            ? .screen(color: ProcessInfo.processInfo.environment["NO_COLOR", default: ""].isEmpty) : .lines
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in Watch.interrupted.store(true, ordering: .relaxed) }
            sigaddset(&unblock, sig)
        }
        // A parent may have started us with them blocked (a test runner's worker thread does).
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        // Each write goes out at once: a person is watching, possibly through a pipe.
        WatchClient.run(socketPath: socket, mode: mode, output: { text in
            FileHandle.standardOutput.write(Data((text + (mode.isScreen ? "" : "\n")).utf8))
        }, shouldStop: { Watch.interrupted.load(ordering: .relaxed) })
    }
}

extension WatchClient.Mode {
    var isScreen: Bool { if case .screen = self { true } else { false } }
}
