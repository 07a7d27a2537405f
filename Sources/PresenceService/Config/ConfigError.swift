import PresenceCore

/// A configuration problem, reported as one line that names the file, the key
/// and what was expected (DESIGN.md §5: exit 78).
public struct ConfigError: PresenceError, Equatable {
    public var file: String
    /// Dotted key, e.g. `fusion.hold`; empty for whole-file problems (unreadable, bad TOML).
    public var key: String
    public var message: String

    public var exitCode: ExitCode { .config }

    public var description: String {
        key.isEmpty ? "\(file): \(message)" : "\(file): \(key): \(message)"
    }
}
