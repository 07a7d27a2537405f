import Foundation
import Synchronization

/// A bound AF_UNIX datagram socket standing in for a systemd endpoint (NOTIFY_SOCKET, the journal's
/// socket): a reader thread collects every datagram with its arrival time.
public final class DatagramSink: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let received = Mutex<[(Date, [UInt8])]>([])

    public init(path: String) throws {
        self.path = path
        fd = try TestSupport.unixSocket(bound: path, type: Int32(SOCK_DGRAM.rawValue))
        let reading = fd
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(reading, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return }
                let datagram = Array(buffer[0..<n])
                self.received.withLock { $0.append((Date(), datagram)) }
            }
        }
    }

    deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    public var datagrams: [(Date, [UInt8])] { received.withLock { $0 } }
    /// The datagrams as text (sd_notify's messages are).
    public var messages: [(Date, String)] { datagrams.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) } }

    public func wait(timeout: TimeInterval = 20, until done: ([String]) -> Bool) -> Bool {
        TestSupport.eventually(timeout: timeout) { done(messages.map(\.1)) }
    }
}
