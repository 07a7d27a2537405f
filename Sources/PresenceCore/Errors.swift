/// Exit codes of DESIGN.md §5 (sysexits.h values).
public enum ExitCode: Int32, Sendable {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case ioError = 74
    case config = 78
}

/// An error a user can act on: it knows its exit code and says what to do.
public protocol PresenceError: Error, CustomStringConvertible {
    var exitCode: ExitCode { get }
}
