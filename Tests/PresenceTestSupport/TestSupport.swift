import Foundation

/// Paths and processes for tests that drive the real `presenced` binary, the
/// Python peers or the corpus. Shared by every test target.
public enum TestSupport {
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary `swift build --build-tests` produced next to the test bundle.
    public static var binary: String { executable("presenced") }

    /// A product of this package, as built for the tests: from PRESENCED_TEST_PRODUCTS when set (the
    /// sanitized builds of `make test-sanitize` live in a scratch directory of their own), else `.build/`.
    public static func executable(_ name: String) -> String {
        if let dir = ProcessInfo.processInfo.environment["PRESENCED_TEST_PRODUCTS"] {
            return URL(fileURLWithPath: dir).appendingPathComponent(name).path
        }
        for config in ["debug", "release"] {
            let p = repoRoot.appendingPathComponent(".build/\(config)/\(name)").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return repoRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// The Python of the cross-check virtualenv (`make venv`).
    public static let python = repoRoot.appendingPathComponent(".venv/bin/python").path

    public static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("presenced-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs a program to completion, collecting its output.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        // The semaphore orders the reader's write before our read (polling Thread.isFinished does not,
        // as ThreadSanitizer points out).
        nonisolated(unsafe) var errData = Data()
        let errRead = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            errRead.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        errRead.wait()
        return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    public static func presenced(_ arguments: String...) throws -> Result { try run(binary, arguments) }
    public static func presenced(_ arguments: [String]) throws -> Result { try run(binary, arguments) }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; whether it held at the end.
    public static func eventually(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// A TCP port that was free a moment ago on loopback.
    public static func freePort() -> Int {
        let (fd, port) = loopbackSocket()
        close(fd)
        return port
    }

    /// An AF_UNIX socket of `type` (SOCK_STREAM, SOCK_DGRAM) bound to `path`.
    public static func unixSocket(bound path: String, type: Int32) throws -> Int32 {
        let fd = socket(AF_UNIX, type, 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw TestFailure("cannot bind \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// A TCP connection to 127.0.0.1:`port`, or nil when refused.
    public static func connectLoopback(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// A TCP connection to 127.0.0.1:`port`, tried again until `timeout` passes: a daemon's metrics listener
    /// binds a moment after its socket answers (longer under a sanitizer or emulation).
    public static func connectLoopback(port: Int, within timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let fd = connectLoopback(port: port) { return fd }
            if Date() > deadline { return nil }
            usleep(50_000)
        }
    }

    /// A TCP socket bound to a free loopback port (the caller closes it): listening on it takes the port.
    public static func loopbackSocket() -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }
}

/// A failed precondition of a test, with what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Reading Prometheus' text format in tests.
public enum PrometheusText {
    /// The value of one series, named as exposed (`presence_samples_total{sensor="audio"}`), or nil when absent.
    public static func value(of series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }
}
