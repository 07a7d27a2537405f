import PresenceCore

/// A replay problem a user can act on: unreadable input, nothing to replay, an output that cannot be written.
public struct ReplayError: PresenceError {
    public var exitCode: ExitCode
    public var description: String
}
