import PresenceCore

/// A problem of a command that works on files (replay, eval, train, export-onnx) a user can act on:
/// unreadable input, nothing to work on, an output that cannot be written.
public struct ReplayError: PresenceError {
    public var exitCode: ExitCode
    public var description: String

    public init(exitCode: ExitCode, description: String) {
        self.exitCode = exitCode
        self.description = description
    }
}
