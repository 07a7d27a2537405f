import ArgumentParser
import Foundation
import PresenceService

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Follow the daemon's event socket in plain words (reconnects when the daemon restarts).")

    @Option(help: "Event socket path.")
    var socket = "/run/presenced/events.sock"

    func run() throws {
        // Each line goes out at once: a person is watching, possibly through a pipe.
        WatchClient.run(socketPath: socket) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
