import NIOCore
import NIOEmbedded
import PresenceCore
import Testing
@testable import PresenceService

@Suite struct EventHubTests {
    static func lines(_ channel: EmbeddedChannel) throws -> [String] {
        var out: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            out += String(buffer: buffer).split(separator: "\n").map(String.init)
        }
        return out
    }

    /// An embedded channel that is active, like an accepted client (the hub skips closed ones).
    static func client() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static let occupied = PresenceEvent.occupancy(OccupancyChange(t: 10, occupied: true, confidence: 0.9, sources: [.radar: 0.9]))
    static let lost = PresenceEvent.sensor(SensorChange(t: 20, sensor: .camera, status: .lost, reason: "no data"))

    /// A state taken up from before a restart says so in the hello, until a tick of this run replaces it.
    @Test func helloSaysRestoredUntilTheFirstTick() throws {
        let restored = OccupancyState(occupied: true, confidence: 0.8, since: 7, sensors: [.radar: .ok], restored: true)
        let hub = EventHub(initial: restored, version: "0.1.0", metrics: nil)
        let a = try Self.client()
        hub.subscribe(a)
        hub.publish([], state: OccupancyState(occupied: true, confidence: 0.9, since: 7, sensors: [.radar: .ok]))
        let b = try Self.client()
        hub.subscribe(b)
        #expect(try Self.lines(a) == [#"{"type":"hello","protocol":1,"version":"0.1.0","state":{"occupied":true,"confidence":0.8,"since":7,"sensors":{"radar":"ok"},"restored":true}}"#])
        #expect(try Self.lines(b) == [#"{"type":"hello","protocol":1,"version":"0.1.0","state":{"occupied":true,"confidence":0.9,"since":7,"sensors":{"radar":"ok"}}}"#])
    }

    @Test func helloCarriesStateThenEventsFollowInOrder() throws {
        let metrics = PresenceMetrics(version: "test", model: "m")
        let hub = EventHub(initial: OccupancyState(sensors: [.camera: .ok]), version: "0.1.0", metrics: metrics)
        let a = try Self.client()
        hub.subscribe(a)
        hub.publish([Self.occupied, Self.lost], state: OccupancyState(occupied: true, confidence: 0.9, since: 10, sensors: [.camera: .lost]))
        // Events are written by a task on each client's event loop.
        a.embeddedEventLoop.run()
        let b = try Self.client()
        hub.subscribe(b)

        let la = try Self.lines(a)
        try #require(la.count == 3)
        #expect(la[0] == #"{"type":"hello","protocol":1,"version":"0.1.0","state":{"occupied":false,"confidence":0,"since":0,"sensors":{"camera":"ok"}}}"#)
        #expect(la[1] == Self.occupied.jsonLine(seq: 1) && la[2] == Self.lost.jsonLine(seq: 2))
        // A late client learns the current state in hello and sees no old events.
        #expect(try Self.lines(b) == [#"{"type":"hello","protocol":1,"version":"0.1.0","state":{"occupied":true,"confidence":0.9,"since":10,"sensors":{"camera":"lost"}}}"#])
        #expect(hub.subscriberCount == 2)
        #expect(metrics.registry.emitToString().contains("presence_subscribers 2"))
    }

    @Test func aClientThatStopsReadingIsDroppedAndCounted() throws {
        let metrics = PresenceMetrics(version: "test", model: "m")
        let hub = EventHub(initial: OccupancyState(), version: "0.1.0", metrics: metrics)
        let slow = try Self.client(), fine = try Self.client()
        hub.subscribe(slow)
        hub.subscribe(fine)
        // An embedded channel is not writable once its outbound buffer is over the mark.
        slow.isWritable = false
        hub.publish([Self.occupied], state: OccupancyState(occupied: true))
        slow.embeddedEventLoop.run()
        fine.embeddedEventLoop.run()
        #expect(hub.subscriberCount == 1)
        #expect(try Self.lines(fine).count == 2)
        #expect(metrics.registry.emitToString().contains("presence_subscribers_dropped_total 1"))
    }
}

@Suite struct WatchFormatterTests {
    @Test func linesBecomeSentences() {
        let hello = #"{"type":"hello","protocol":1,"version":"0.1.0","state":{"occupied":true,"confidence":0.91,"since":5,"sensors":{"radar":"ok","camera":"lost"}}}"#
        #expect(WatchFormatter.describe(line: hello) == "connected to presenced 0.1.0: room OCCUPIED, confidence 0.91; sensors: camera lost, radar ok")
        let occ = PresenceEvent.occupancy(OccupancyChange(t: 1_795_413_608_400_000_000, occupied: false, confidence: 0.12, sources: [.radar: 0.1, .camera: 0.05]))
        #expect(WatchFormatter.describe(line: occ.jsonLine(seq: 7)) == "06:00:08.400  #7  room vacant    confidence 0.12  (camera 0.05, radar 0.10)")
        let lost = PresenceEvent.sensor(SensorChange(t: 1_795_413_608_400_000_000, sensor: .audio, status: .lost, reason: "no data for 2s"))
        #expect(WatchFormatter.describe(line: lost.jsonLine(seq: 8)) == "06:00:08.400  #8  sensor audio is lost — no data for 2s")
        #expect(WatchFormatter.describe(line: "garbage") == "(unreadable line) garbage")
    }
}

@Suite struct WatchScreenTests {
    static let hello = #"{"type":"hello","protocol":1,"version":"0.1.0","state":{"occupied":false,"confidence":0.2,"since":0,"sensors":{"radar":"ok","camera":"ok"}}}"#

    @Test func theScreenFollowsHelloEventsAndReconnects() {
        var screen = WatchScreen(socketPath: "/run/x.sock")
        #expect(screen.render(color: false)[0] == "presenced watch  /run/x.sock  waiting for presenced")
        screen.connectionChanged(true)
        screen.apply(line: Self.hello)
        var frame = screen.render(color: false)
        #expect(frame.contains("  room         vacant"), "\(frame)")  // nothing decided yet: no "since"
        #expect(frame.contains("  confidence  0.20 when connected"))
        #expect(frame.contains("  sensors     camera ok   radar ok"))
        #expect(frame.contains("  (none yet)"))

        let t: Int64 = 1_795_413_608_400_000_000
        screen.apply(line: PresenceEvent.occupancy(OccupancyChange(t: t, occupied: true, confidence: 0.97, sources: [.camera: 0.9, .radar: 0.99])).jsonLine(seq: 1))
        screen.apply(line: PresenceEvent.sensor(SensorChange(t: t, sensor: .camera, status: .lost, reason: "read: EIO")).jsonLine(seq: 2))
        frame = screen.render(now: screen.sinceSeen!.addingTimeInterval(75), color: false)
        #expect(frame.contains("  room         OCCUPIED   since 2026-11-23 06:00:08 UTC (1m 15s ago)"), "\(frame)")
        #expect(frame.contains("  confidence  0.97 at the last change   sources camera 0.90  radar 0.99"), "\(frame)")
        #expect(frame.contains("  sensors     camera lost (read: EIO)   radar ok"), "\(frame)")
        // Newest first.
        let events = frame.drop(while: { $0 != "  last events" }).dropFirst().prefix(2)
        #expect(events.first?.contains("sensor camera is lost") == true && events.last?.contains("#1  room OCCUPIED") == true, "\(events)")

        screen.connectionChanged(false)
        frame = screen.render(color: false)
        #expect(frame[0] == "presenced watch  /run/x.sock  waiting for presenced (reconnecting)")
        #expect(frame.contains { $0.hasSuffix("connection closed; reconnecting …") })

        for n in 0..<20 { screen.apply(line: PresenceEvent.sensor(SensorChange(t: t, sensor: .radar, status: .ok)).jsonLine(seq: UInt64(3 + n))) }
        #expect(screen.events.count == WatchScreen.eventsKept)
        // Colour is escape codes around words, nothing else.
        let colored = screen.render(color: true).joined().replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(colored == screen.render(color: false).joined())
    }
}
