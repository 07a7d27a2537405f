import ArgumentParser
import Logging
import PresenceService

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon: capture (or replay), fuse, publish events and metrics.")

    @Option(name: .shortAndLong, help: "Configuration file.")
    var config = "/etc/presenced/presenced.toml"

    func run() async throws {
        try await exitingOnError {
            let cfg = try ConfigLoader.load(path: config)
            let logger = DaemonLogging.bootstrap(level: cfg.log.level)
            try await Daemon.run(config: cfg, logger: logger)
        }
    }
}
