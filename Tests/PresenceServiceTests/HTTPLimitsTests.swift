import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import PresenceTestSupport
import Synchronization
import Testing
@testable import PresenceService

/// The HTTP listener is bounded (issue 20): a header must come within its deadline (slowloris, silent
/// connections), a request that stalls is closed when idle, connections over the cap are refused with 503 and
/// counted, and running out of descriptors makes neither listener spin or die.
@Suite(.serialized) struct HTTPLimitsTests {
    static let limits = HTTPLimits(maxConnections: 4, headerDeadline: .seconds(10), idleTimeout: .seconds(60))

    /// The deadline handler on an embedded channel, behind an idle detector, as the server sets it up.
    static func channel(_ metrics: PresenceMetrics) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: limits.idleTimeout))
        try channel.pipeline.syncOperations.addHandler(HTTPDeadlineHandler(limits: limits, metrics: metrics))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static let head = HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/metrics"))

    @Test func aHeaderMustComeWithinItsDeadlineAgainAfterEachResponse() throws {
        let metrics = PresenceMetrics(version: "test", model: "m")
        let silent = try Self.channel(metrics)
        silent.embeddedEventLoop.advanceTime(by: .milliseconds(9_999))
        #expect(silent.isActive)
        silent.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!silent.isActive, "nothing in 10 s: closed")

        let kept = try Self.channel(metrics)
        kept.embeddedEventLoop.advanceTime(by: .seconds(5))
        try kept.writeInbound(Self.head)
        kept.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(kept.isActive, "a request under way is not held to the header deadline")
        try kept.writeOutbound(HTTPServerResponsePart.end(nil))
        kept.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(!kept.isActive, "kept alive but no next request in 10 s: closed")
        #expect(metrics.registry.emitToString().contains(#"presence_http_connections_closed_total{reason="header_timeout"} 2"#))
    }

    /// NIO's IdleStateHandler reports idleness (on the real clock); what matters here is what the deadline
    /// handler does with the report: a request under way is closed and counted, a connection between requests
    /// is left to the header deadline.
    @Test func aRequestThatStallsIsClosedWhenIdle() throws {
        let metrics = PresenceMetrics(version: "test", model: "m")
        let stalled = try Self.channel(metrics)
        try stalled.writeInbound(Self.head)
        stalled.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.all)
        #expect(!stalled.isActive)
        #expect(metrics.registry.emitToString().contains(#"presence_http_connections_closed_total{reason="idle"} 1"#))

        let between = try Self.channel(metrics)
        try between.writeInbound(Self.head)
        try between.writeOutbound(HTTPServerResponsePart.end(nil))
        between.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.all)
        #expect(between.isActive, "no request under way: the header deadline decides")
    }

    @Test func theGateCountsPlaces() {
        let gate = ConnectionGate(limit: 2)
        #expect(gate.enter() && gate.enter() && !gate.enter())
        gate.leave()
        #expect(gate.enter() && gate.count == 2)
    }

    /// A TCP connection to the daemon's metrics port (nil when refused), whose reads wait at most 15 s.
    static func connect(_ port: Int) -> Int32? {
        guard let fd = TestSupport.connectLoopback(port: port) else { return nil }
        var tv = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// What the server sends until it closes (or 15 s pass).
    static func readAll(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The demo recording at real-time pace: the daemon's own CPU use stays small.
    static let demo = "[replay]\nfile = \"\(TestSupport.repoRoot.appendingPathComponent("Recordings/demo.mcap").path)\"\nloop = true\nspeed = 1\n"

    @Test func connectionsOverTheCapAreRefusedAndSlowOnesClosed() throws {
        let daemon = try DaemonTests.RunningDaemon(sources: Self.demo)
        #expect(TestSupport.eventually(timeout: 20) { (try? DaemonTests.httpGet(port: daemon.metricsPort, path: "/healthz/ready")) != nil })
        // A slowloris trickles its header, a byte every half second; 63 more connections say nothing. They take
        // every place: the next one is answered 503 at once.
        let loris = try #require(Self.connect(daemon.metricsPort))
        let connected = Date()
        let closedAfter = Mutex<Double?>(nil)
        Thread.detachNewThread {
            for var byte in Array(("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 60)).utf8) {
                // MSG_NOSIGNAL: a write to a closed connection fails instead of killing the test with SIGPIPE.
                if send(loris, &byte, 1, Int32(MSG_NOSIGNAL)) < 0 { break }
                usleep(500_000)
            }
            closedAfter.withLock { $0 = Date().timeIntervalSince(connected) }
        }
        let idle = (0..<(HTTPLimits().maxConnections - 1)).compactMap { _ in Self.connect(daemon.metricsPort) }
        #expect(idle.count == HTTPLimits().maxConnections - 1)
        Thread.sleep(forTimeInterval: 0.5)
        let refused = try #require(Self.connect(daemon.metricsPort))
        let answer = Self.readAll(refused)
        close(refused)
        #expect(answer.hasPrefix("HTTP/1.1 503") && answer.contains("Connection: close"), "\(answer)")
        // All are closed at the header deadline (10 s): the slowloris notices at its next byte or the one after.
        #expect(TestSupport.eventually(timeout: 20) { closedAfter.withLock { $0 } != nil })
        let after = closedAfter.withLock { $0 } ?? 0
        #expect(after >= 10 && after < 12, "the slowloris was closed \(after) s after it connected")
        #expect(idle.allSatisfy { Self.readAll($0).isEmpty }, "closed without a word")
        for fd in idle + [loris] { close(fd) }
        let metrics = try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")
        #expect(metrics.contains("presence_http_connections_refused_total 1"), "\(metrics)")
        let timedOut = PrometheusText.value(of: #"presence_http_connections_closed_total{reason="header_timeout"}"#, in: metrics) ?? 0
        #expect(timedOut >= Double(HTTPLimits().maxConnections), "\(metrics)")
        #expect(MQTTTests.stop(daemon).status == 0)
    }

    /// The daemon's CPU time so far (user + system), seconds.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields 14 and 15 of the whole line are utime and stime; after the ")" they are the 12th and 13th.
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test func outOfDescriptorsNeitherListenerSpinsAndBothRecover() throws {
        // 40 descriptors: about 20 are the daemon's own; the clients below take the rest and more.
        let daemon = try DaemonTests.RunningDaemon(sources: Self.demo, launcher: ["/usr/bin/prlimit", "--nofile=40:40"])
        let first = try daemon.connect()
        _ = first.readLine()
        var held: [Int32] = []
        for _ in 0..<30 {
            if let fd = Self.connect(daemon.metricsPort) { held.append(fd) }
            if let fd = WatchClient.connect(to: daemon.socketPath) { held.append(fd) }
        }
        Thread.sleep(forTimeInterval: 1)
        let before = Self.cpuSeconds(daemon.process.processIdentifier)
        Thread.sleep(forTimeInterval: 3)
        let used = Self.cpuSeconds(daemon.process.processIdentifier) - before
        #expect(used < 1.0, "\(used) s of CPU in 3 s while out of descriptors: spinning on accept")
        #expect(daemon.process.isRunning, "\(daemon.log)")
        #expect(daemon.log.contains("cannot accept a connection; waiting a second"), "\(daemon.log)")
        for fd in held { close(fd) }
        // Both listeners serve again once descriptors are free.
        let client = try daemon.connect(timeout: 10)
        let hello = DaemonTests.json(try #require(client.readLine()))
        #expect(hello["type"] as? String == "hello")
        #expect(TestSupport.eventually(timeout: 10) { (try? DaemonTests.httpGet(port: daemon.metricsPort, path: "/healthz")) != nil })
        let metrics = try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")
        let errors = (PrometheusText.value(of: #"presence_accept_errors_total{listener="http"}"#, in: metrics) ?? 0)
            + (PrometheusText.value(of: #"presence_accept_errors_total{listener="socket"}"#, in: metrics) ?? 0)
        #expect(errors >= 1, "\(metrics)")
        #expect(MQTTTests.stop(daemon).status == 0)
    }
}
