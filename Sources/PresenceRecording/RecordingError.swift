import PresenceCore

/// Why a recording cannot be read or written. Bad input is exit 65, a missing
/// file 66, an I/O failure 74 (DESIGN.md §5); the message says which file and what.
public enum RecordingError: PresenceError, Equatable {
    case missing(String)
    case notMCAP(String)
    case truncated(String)
    case corrupt(String)
    case unsupported(String)
    case badMessage(topic: String, String)
    case io(String)
    /// The same error, told with the file it is about.
    indirect case inFile(String, RecordingError)

    public var exitCode: ExitCode {
        switch self {
        case .missing: .noInput
        case .io: .ioError
        case .inFile(_, let inner): inner.exitCode
        default: .dataError
        }
    }

    /// The same error with `more` added to its message.
    func appending(_ more: String) -> RecordingError {
        switch self {
        case .missing(let m): .missing(m + more)
        case .notMCAP(let m): .notMCAP(m + more)
        case .truncated(let m): .truncated(m + more)
        case .corrupt(let m): .corrupt(m + more)
        case .unsupported(let m): .unsupported(m + more)
        case .badMessage(let topic, let m): .badMessage(topic: topic, m + more)
        case .io(let m): .io(m + more)
        case .inFile(let path, let inner): .inFile(path, inner.appending(more))
        }
    }

    public var description: String {
        switch self {
        case .missing(let m): "cannot open: \(m)"
        case .notMCAP(let m): "not an MCAP file: \(m)"
        case .truncated(let m): "truncated recording: \(m)"
        case .corrupt(let m): "corrupt recording: \(m)"
        case .unsupported(let m): "unsupported: \(m)"
        case .badMessage(let topic, let m): "bad message on \(topic): \(m)"
        case .io(let m): "I/O error: \(m)"
        case .inFile(let path, let inner): "\(path): \(inner.description)"
        }
    }
}
