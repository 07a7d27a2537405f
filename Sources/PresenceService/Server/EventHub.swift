import NIOCore
import PresenceCore
import Synchronization

/// The single source of truth for what has been published (DESIGN.md §1): the
/// latest state and the sequence number. The pipeline publishes here; socket
/// clients subscribe here. A client that cannot keep up is dropped, never waited for.
public final class EventHub: Sendable {
    private struct State {
        var seq: UInt64 = 0
        var state: OccupancyState
        var subscribers: [ObjectIdentifier: Channel] = [:]
    }

    private let guarded: Mutex<State>
    private let metrics: PresenceMetrics?
    public let version: String

    public init(initial: OccupancyState, version: String, metrics: PresenceMetrics?) {
        guarded = Mutex(State(state: initial))
        self.metrics = metrics
        self.version = version
    }

    public var state: OccupancyState { guarded.withLock { $0.state } }
    public var subscriberCount: Int { guarded.withLock { $0.subscribers.count } }

    /// Sends `hello` with the current state and adds the client, atomically with
    /// respect to `publish`, so the client sees every later event exactly once.
    public func subscribe(_ channel: Channel) {
        guarded.withLock { s in
            let hello = "{\"type\":\"hello\",\"protocol\":1,\"version\":\(JSONObjectWriter.quote(version)),\"state\":\(s.state.json())}\n"
            channel.writeAndFlush(channel.allocator.buffer(string: hello), promise: nil)
            s.subscribers[ObjectIdentifier(channel)] = channel
            metrics?.subscribers.set(Int64(s.subscribers.count))
        }
    }

    public func unsubscribe(_ channel: Channel) {
        guarded.withLock { s in
            if s.subscribers.removeValue(forKey: ObjectIdentifier(channel)) != nil {
                metrics?.subscribers.set(Int64(s.subscribers.count))
            }
        }
    }

    /// Publishes events in order; `state` is the pipeline's state after them.
    /// Returns the lines sent (without newlines), for recorders that keep them.
    @discardableResult
    public func publish(_ events: [PresenceEvent], state: OccupancyState) -> [String] {
        guarded.withLock { s in
            s.state = state
            var lines: [String] = []
            for event in events {
                s.seq += 1
                lines.append(event.jsonLine(seq: s.seq))
                let line = lines[lines.count - 1] + "\n"
                var slow: [ObjectIdentifier] = []
                for (id, channel) in s.subscribers {
                    // Not writable means its outbound buffer passed the high-water mark: it is not reading.
                    guard channel.isWritable else {
                        slow.append(id)
                        continue
                    }
                    channel.writeAndFlush(channel.allocator.buffer(string: line), promise: nil)
                }
                for id in slow {
                    s.subscribers.removeValue(forKey: id)?.close(promise: nil)
                    metrics?.subscribersDropped.increment()
                }
                if !slow.isEmpty { metrics?.subscribers.set(Int64(s.subscribers.count)) }
            }
            return lines
        }
    }

    /// Closes every client (shutdown).
    public func closeAll() {
        guarded.withLock { s in
            for channel in s.subscribers.values { channel.close(promise: nil) }
            s.subscribers.removeAll()
            metrics?.subscribers.set(Int64(0))
        }
    }
}
