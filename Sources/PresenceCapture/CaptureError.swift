import Glibc

/// Why a device could not be opened or stopped delivering. The reason is what
/// the `sensor` event and the log say ("open /dev/video0: No such file or directory").
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    /// `what: strerror(code)`, for a failed system call (code is a positive errno).
    public static func system(_ what: String, _ code: Int32 = errno) -> CaptureError {
        CaptureError("\(what): \(String(cString: strerror(code)))")
    }

    public var description: String { reason }
}
