import ArgumentParser
import PresenceService

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a configuration file; exit 78 with the key's name when it is wrong.")

    @Argument(help: "Configuration file.")
    var file: String

    func run() async throws {
        try await exitingOnError {
            let config = try ConfigLoader.load(path: file)
            // Whatever `run` would refuse at start, check-config refuses too.
            _ = try config.classifier()
            print("\(file): ok (sensors: \(config.configuredSensors.sorted().map(\.rawValue).joined(separator: ", ").nonEmpty ?? "none")\(config.replay.map { "; replaying \($0.file)" } ?? ""))")
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
