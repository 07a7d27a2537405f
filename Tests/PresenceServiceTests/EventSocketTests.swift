import Foundation
import Logging
import NIOPosix
import PresenceCore
import Synchronization
import PresenceTestSupport
import Testing
@testable import PresenceService

/// The event socket in-process (DESIGN.md §4): a client that does not read is dropped and counted while
/// the others get every event in order; bad input closes only its sender; the socket file is claimed
/// safely (a stale one replaced, a live one or another file never).
@Suite(.serialized) struct EventSocketTests {
    final class Server {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let metrics = PresenceMetrics(version: "test", model: "test")
        let hub: EventHub
        let server: EventSocketServer
        let listener: EventSocketServer.Listener

        init(path: String) async throws {
            hub = EventHub(initial: OccupancyState(), version: "test", metrics: metrics)
            server = EventSocketServer(path: path, mode: 0o600, group: "", hub: hub, eventLoops: loops, logger: Logger(label: "test"))
            listener = try await server.bind()
        }

        func stop() async throws {
            try await listener.channel.close()
            hub.closeAll()
            listener.file?.release()
            try await loops.shutdownGracefully()
        }

        func metric(_ name: String) -> Double? {
            PrometheusText.value(of: name, in: String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self))
        }
    }

    static func event(_ i: Int) -> PresenceEvent {
        .sensor(SensorChange(t: Int64(i), sensor: .radar, status: i % 2 == 0 ? .lost : .ok,
                             reason: String(repeating: "x", count: 200)))
    }

    static func waitFor(_ what: String, timeout: TimeInterval = 10, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw TestFailure("timed out waiting for \(what)") }
            usleep(10_000)
        }
    }

    @Test func aClientThatDoesNotReadIsDroppedAndCountedOthersGetEveryEvent() async throws {
        let dir = try TestSupport.temporaryDirectory()
        let server = try await Server(path: dir.appendingPathComponent("e.sock").path)
        let reader = try #require(WatchClient.connect(to: server.server.path)).asLineSocket()
        let sleeper = try #require(WatchClient.connect(to: server.server.path))
        var small: Int32 = 4096
        setsockopt(sleeper, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        try Self.waitFor("two subscribers") { server.hub.subscriberCount == 2 }
        _ = reader.readLine()  // hello

        // The reader reads on its own thread while the pipeline publishes as fast as it can.
        let count = 4000
        let received = Mutex<[Int]>([])
        let readerDone = DispatchSemaphore(value: 0)
        Thread {
            while let line = reader.readLine() {
                let seq = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["seq"] as? Int ?? -1
                let n = received.withLock { $0.append(seq); return $0.count }
                if n == count { break }
            }
            readerDone.signal()
        }.start()
        let start = Date()
        // 2000 events a second (a real room makes a few a minute), 1.2 MB in all: far more than the
        // sleeper's queue and socket buffers hold, while a reader that reads keeps up.
        for i in 1...count {
            server.hub.publish([Self.event(i)], state: OccupancyState())
            usleep(500)
        }
        let publishing = Date().timeIntervalSince(start)
        #expect(readerDone.wait(timeout: .now() + 30) == .success, "the reader got \(received.withLock { $0.count }) of \(count)")
        let got = received.withLock { $0 }
        #expect(got == Array(1...count), "every event, in order: \(got.count) received, the first out of place at \(String(describing: got.indices.first { got[$0] != $0 + 1 }))")
        try Self.waitFor("the sleeper dropped") { server.hub.subscriberCount == 1 }
        #expect(server.metric("presence_subscribers_dropped_total") == 1)
        #expect(server.metric("presence_subscribers") == 1)
        // Publishing never waited for the sleeper (the pauses alone are two seconds).
        #expect(publishing < 6, "publishing took \(publishing) s")
        close(sleeper)
        try await server.stop()
    }

    @Test func aClientSendingTooMuchOrAnEndlessLineIsClosedAlone() async throws {
        let dir = try TestSupport.temporaryDirectory()
        let server = try await Server(path: dir.appendingPathComponent("e.sock").path)
        let good = try #require(WatchClient.connect(to: server.server.path)).asLineSocket()
        _ = good.readLine()
        for junk in [String(repeating: "a", count: 8000), String(repeating: "{\"x\":1}\n", count: 5000)] {
            let bad = try #require(WatchClient.connect(to: server.server.path))
            try Self.waitFor("the bad client subscribed") { server.hub.subscriberCount == 2 }
            _ = junk.withCString { write(bad, $0, strlen($0)) }
            try Self.waitFor("the bad client closed") { server.hub.subscriberCount == 1 }
            close(bad)
        }
        server.hub.publish([Self.event(1)], state: OccupancyState())
        #expect(good.readLine()?.contains("\"seq\":1") == true, "the well-behaved client still gets events")
        #expect(server.metric("presence_subscribers_dropped_total") == 0, "closed for bad input, not for being slow")
        try await server.stop()
    }

    @Test func aStaleSocketFileIsReplacedALiveOneOrAnotherFileNever() async throws {
        let dir = try TestSupport.temporaryDirectory()
        // Stale: a socket file nobody listens on (a daemon killed with -9).
        let stale = dir.appendingPathComponent("stale.sock").path
        let fd = try Self.listeningSocket(at: stale)
        close(fd)
        let first = try await Server(path: stale)
        #expect(WatchClient.connect(to: stale).map { close($0) } != nil, "serving on the replaced path")

        // Another presenced on the same path: refused (the lock), and the first keeps its socket.
        await #expect(throws: ServerError.self) { _ = try await Server(path: stale) }
        #expect(WatchClient.connect(to: stale).map { close($0) } != nil)
        try await first.stop()
        #expect(!FileManager.default.fileExists(atPath: stale))

        // Live: some other program listening there (no lock of ours) keeps its socket.
        let live = dir.appendingPathComponent("live.sock").path
        let other = try Self.listeningSocket(at: live)
        await #expect(throws: ServerError.self) { _ = try await Server(path: live) }
        var st = stat()
        #expect(lstat(live, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK)
        close(other)

        // Not a socket: left alone.
        let file = dir.appendingPathComponent("file.sock").path
        try "keep me".write(toFile: file, atomically: true, encoding: .utf8)
        await #expect(throws: ServerError.self) { _ = try await Server(path: file) }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")
    }

    static func listeningSocket(at path: String) throws -> Int32 {
        let fd = try TestSupport.unixSocket(bound: path, type: Int32(SOCK_STREAM.rawValue))
        guard listen(fd, 4) == 0 else { throw TestFailure("cannot listen on \(path): \(String(cString: strerror(errno)))") }
        return fd
    }
}

extension Int32 {
    func asLineSocket() -> DaemonTests.LineSocket { DaemonTests.LineSocket(fd: self) }
}
