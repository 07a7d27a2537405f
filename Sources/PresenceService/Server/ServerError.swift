import PresenceCore

/// The event socket or the metrics listener could not be set up: one line for the user, and its exit code.
public struct ServerError: PresenceError {
    public var exitCode: ExitCode
    public var description: String

    public init(_ exitCode: ExitCode, _ description: String) {
        self.exitCode = exitCode
        self.description = description
    }
}
