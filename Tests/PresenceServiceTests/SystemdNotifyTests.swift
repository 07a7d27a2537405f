import Foundation
import PresenceTestSupport
import Synchronization
import Testing
@testable import PresenceService

/// sd_notify as systemd would receive it (RECIPES.md: a datagram socket and NOTIFY_SOCKET, no container):
/// READY with a status, watchdog pings only while the pipeline moves, RELOADING … READY around a SIGHUP,
/// STOPPING on SIGTERM.
@Suite(.serialized) struct SystemdNotifyTests {
    /// A bound AF_UNIX datagram socket; a reader thread collects what arrives, with arrival times.
    final class NotifySocket: @unchecked Sendable {
        let path: String
        private let fd: Int32
        private let received = Mutex<[(Date, String)]>([])

        init(in dir: URL) throws {
            path = dir.appendingPathComponent("notify.sock").path
            fd = try TestSupport.unixSocket(bound: path, type: Int32(SOCK_DGRAM.rawValue))
            let reading = fd
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = buffer.withUnsafeMutableBytes { recv(reading, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { return }
                    let text = String(decoding: buffer[0..<n], as: UTF8.self)
                    self.received.withLock { $0.append((Date(), text)) }
                }
            }
        }

        deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

        var messages: [(Date, String)] { received.withLock { $0 } }

        func wait(timeout: TimeInterval = 20, until done: ([String]) -> Bool) -> Bool {
            TestSupport.eventually(timeout: timeout) { done(messages.map(\.1)) }
        }
    }

    @Test func readyWatchdogReloadAndStopping() throws {
        let dir = try TestSupport.temporaryDirectory()
        let notify = try NotifySocket(in: dir)
        // A 2 s watchdog: a ping every second while the pipeline ticks.
        let daemon = try DaemonTests.RunningDaemon(environment: [
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000", DebugHooks.stallVariable: "1",
        ])
        #expect(notify.wait { $0.contains { $0.hasPrefix("READY=1\nSTATUS=running; replaying ") } }, "\(notify.messages)")
        #expect(notify.wait { $0.filter { $0 == "WATCHDOG=1" }.count >= 2 }, "\(notify.messages)")

        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(notify.wait { messages in
            guard let r = messages.firstIndex(where: { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }) else { return false }
            return messages[r...].contains { $0.hasPrefix("READY=1") }
        }, "\(notify.messages)")

        // Stalled: the pings stop once the pipeline has not ticked for 5 s, and the status says why.
        kill(daemon.process.processIdentifier, SIGUSR2)
        #expect(notify.wait { $0.contains { $0.hasPrefix("STATUS=pipeline stalled") } }, "\(notify.messages)")
        let stalledAt = Date()
        usleep(3_000_000)
        let pingsAfter = notify.messages.filter { $0.0 > stalledAt && $0.1 == "WATCHDOG=1" }
        #expect(pingsAfter.isEmpty, "pinged while stalled: \(pingsAfter.count)")
        #expect(daemon.waitForLog("not pinging the watchdog"))

        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(notify.messages.last?.1 == "STOPPING=1", "\(notify.messages.suffix(3))")
    }
}
