import PresenceCore

/// A surface of the daemon could not be set up or written (the event socket, the metrics listener, the
/// room's state file): one line for the user, and its exit code.
public struct ServerError: PresenceError {
    public var exitCode: ExitCode
    public var description: String

    public init(_ exitCode: ExitCode, _ description: String) {
        self.exitCode = exitCode
        self.description = description
    }
}
