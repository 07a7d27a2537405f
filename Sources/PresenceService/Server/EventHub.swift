import NIOConcurrencyHelpers
import NIOCore
import PresenceCore

/// The single source of truth for what has been published (DESIGN.md §1): the
/// latest state and the sequence number. The pipeline publishes here; socket
/// clients subscribe here. A client that cannot keep up is dropped, never waited for.
public final class EventHub: Sendable {
    private struct State {
        var seq: UInt64 = 0
        var state: OccupancyState
        /// By event loop, so that one event is one task per loop however many clients there are.
        var subscribers: [ObjectIdentifier: (loop: EventLoop, channels: [ObjectIdentifier: Channel])] = [:]

        var count: Int { subscribers.values.reduce(0) { $0 + $1.channels.count } }
    }

    // Locks here are NIOLockedValueBox (pthread), not Synchronization.Mutex: ThreadSanitizer cannot see
    // Mutex's futex on Linux and reports every access it guards as a race (make test-sanitize).
    private let guarded: NIOLockedValueBox<State>
    /// Called after each publish that has events, on the pipeline's thread: must not block.
    private let observers = NIOLockedValueBox<[@Sendable ([PresenceEvent], OccupancyState) -> Void]>([])
    private let metrics: PresenceMetrics?
    public let version: String

    public init(initial: OccupancyState, version: String, metrics: PresenceMetrics?) {
        guarded = NIOLockedValueBox(State(state: initial))
        self.metrics = metrics
        self.version = version
    }

    public var state: OccupancyState { guarded.withLockedValue { $0.state } }
    /// Occupancy per LD2450 include zone (ZoneOccupancy), by zone name; empty without zones.
    private let zoneStates = NIOLockedValueBox<[String: Bool]>([:])
    public var zones: [String: Bool] { zoneStates.withLockedValue { $0 } }
    public var subscriberCount: Int { guarded.withLockedValue { $0.count } }

    /// Sends `hello` with the current state and adds the client, atomically with respect to `publish`, so
    /// the client sees every later event exactly once. Called on the channel's event loop (channelActive):
    /// the hello is written before any event task queued for that loop after the client was added. (It is
    /// written after the lock is released: a write to a client that already hung up closes the channel
    /// there and then, and its `unsubscribe` takes the lock.)
    public func subscribe(_ channel: Channel) {
        channel.eventLoop.assertInEventLoop()
        let hello = guarded.withLockedValue { s in
            let loop = ObjectIdentifier(channel.eventLoop)
            s.subscribers[loop, default: (channel.eventLoop, [:])].channels[ObjectIdentifier(channel)] = channel
            metrics?.subscribers.set(Int64(s.count))
            return "{\"type\":\"hello\",\"protocol\":1,\"version\":\(JSONObjectWriter.quote(version)),\"state\":\(s.state.json())}\n"
        }
        channel.writeAndFlush(channel.allocator.buffer(string: hello), promise: nil)
    }

    /// `observer` sees every batch of events with the state after them (MQTT publishes from here).
    public func observe(_ observer: @escaping @Sendable ([PresenceEvent], OccupancyState) -> Void) {
        observers.withLockedValue { $0.append(observer) }
    }

    public func unsubscribe(_ channel: Channel) {
        guarded.withLockedValue { s in
            let loop = ObjectIdentifier(channel.eventLoop)
            if s.subscribers[loop]?.channels.removeValue(forKey: ObjectIdentifier(channel)) != nil {
                metrics?.subscribers.set(Int64(s.count))
            }
        }
    }

    /// Publishes events in order; `state` is the pipeline's state after them. Returns the lines sent
    /// (without newlines), for recorders that keep them. Never blocks on a client: the writes are queued
    /// on the clients' event loops, each line one buffer shared by every client.
    @discardableResult
    public func publish(_ events: [PresenceEvent], state: OccupancyState) -> [String] {
        let lines = send(events, state: state)
        if !events.isEmpty {
            for observer in observers.withLockedValue({ $0 }) { observer(events, state) }
        }
        return lines
    }

    /// New zone states: the observers (MQTT) are told, with no events. Socket clients are not: the socket
    /// protocol has no zones.
    public func publish(zones: [String: Bool]) {
        zoneStates.withLockedValue { $0 = zones }
        let state = self.state
        for observer in observers.withLockedValue({ $0 }) { observer([], state) }
    }

    private func send(_ events: [PresenceEvent], state: OccupancyState) -> [String] {
        guarded.withLockedValue { s in
            s.state = state
            guard !events.isEmpty else { return [] }
            var lines: [String] = []
            var buffer = ByteBufferAllocator().buffer(capacity: 256 * events.count)
            for event in events {
                s.seq += 1
                lines.append(event.jsonLine(seq: s.seq))
                buffer.writeString(lines[lines.count - 1])
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
            let metrics = self.metrics, payload = buffer
            for (_, group) in s.subscribers where !group.channels.isEmpty {
                let channels = Array(group.channels.values)
                group.loop.execute {
                    for channel in channels where channel.isActive {
                        // Not writable: its outbound queue is past the high-water mark, it is not reading.
                        guard channel.isWritable else {
                            self.unsubscribe(channel)
                            channel.close(promise: nil)
                            metrics?.subscribersDropped.increment()
                            continue
                        }
                        channel.writeAndFlush(payload, promise: nil)
                    }
                }
            }
            return lines
        }
    }

    /// Closes every client (shutdown).
    public func closeAll() {
        let channels = guarded.withLockedValue { s in
            defer {
                s.subscribers.removeAll()
                metrics?.subscribers.set(Int64(0))
            }
            return s.subscribers.values.flatMap { $0.channels.values }
        }
        for channel in channels { channel.close(promise: nil) }
    }
}
