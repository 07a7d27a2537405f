import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import PresenceCore
import Synchronization

/// The browsers on `GET /live` (DESIGN.md §9): server-sent events, one `data:` JSON per tick at most every
/// `minInterval` of sample time, and the hub's occupancy and sensor events as their own event types with the
/// socket's JSON. As on the socket, a client that cannot keep up is dropped, never waited for: the pipeline
/// only queues a write on the clients' event loop. With no browser attached the pipeline builds nothing
/// (`isWatched`).
public final class LiveFeed: Sendable {
    /// 5 Hz: a slow link or a phone keeps up, and the page still moves with the room.
    public static let minInterval: Int64 = 200 * Nanos.perMillisecond
    /// A comment line this often keeps a quiet stream's connection from looking idle (a stalled pipeline,
    /// a replay that ended), and tells a dead client apart by its failed write.
    static let keepAlive = TimeAmount.seconds(15)

    private let clients = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])
    private let count = Atomic<Int>(0)
    /// Sample time of the last tick sent; only the pipeline's thread offers ticks.
    private let lastTick = Atomic<Int64>(.min)
    private let metrics: PresenceMetrics?

    public init(metrics: PresenceMetrics? = nil) {
        self.metrics = metrics
    }

    /// Is a browser attached? The pipeline asks before building a tick's JSON.
    public var isWatched: Bool { count.load(ordering: .relaxed) > 0 }

    /// Takes the tick at `t` if `minInterval` has passed since the last one sent: `json` is called only then.
    public func offerTick(t: Int64, _ json: () -> String) {
        guard isWatched else { return }
        let last = lastTick.load(ordering: .relaxed)
        guard last == .min || t - last >= Self.minInterval || t < last else { return }
        lastTick.store(t, ordering: .relaxed)
        send(Self.frame(event: nil, data: json()))
    }

    /// An occupancy or sensor event, as the socket wrote it (`line`, without its newline).
    public func offerEvent(_ event: PresenceEvent, line: String) {
        guard isWatched else { return }
        let name = switch event {
        case .occupancy: "occupancy"
        case .sensor: "sensor"
        }
        send(Self.frame(event: name, data: line))
    }

    /// One server-sent event. `data` is one line of JSON (it holds no newline: JSONObjectWriter escapes them).
    static func frame(event: String?, data: String) -> String {
        (event.map { "event: \($0)\n" } ?? "") + "data: \(data)\n\n"
    }

    /// A browser whose response head is written: it gets every frame from now on. On the channel's loop.
    func add(_ channel: Channel) {
        channel.eventLoop.assertInEventLoop()
        clients.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        let now = count.add(1, ordering: .relaxed).newValue
        metrics?.liveClients.set(Int64(now))
        channel.closeFuture.whenComplete { _ in self.remove(channel) }
        scheduleKeepAlive(channel)
    }

    private func remove(_ channel: Channel) {
        let removed = clients.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) != nil }
        if removed {
            let now = count.subtract(1, ordering: .relaxed).newValue
            metrics?.liveClients.set(Int64(now))
        }
    }

    private func scheduleKeepAlive(_ channel: Channel) {
        channel.eventLoop.scheduleTask(in: Self.keepAlive) { [self] in
            guard channel.isActive else { return }
            write(": keep-alive\n\n", to: channel)
            scheduleKeepAlive(channel)
        }
    }

    private func send(_ text: String) {
        let channels = clients.withLockedValue { Array($0.values) }
        guard !channels.isEmpty else { return }
        // One buffer for every client; the HTTP encoder frames it (chunked).
        let buffer = ByteBufferAllocator().buffer(string: text)
        for channel in channels {
            channel.eventLoop.execute { self.write(buffer, to: channel) }
        }
    }

    private func write(_ text: String, to channel: Channel) {
        write(channel.allocator.buffer(string: text), to: channel)
    }

    private func write(_ buffer: ByteBuffer, to channel: Channel) {
        guard channel.isActive else { return }
        // Not writable: its outbound queue is past the high-water mark, it is not reading.
        guard channel.isWritable else {
            metrics?.liveClientsDropped.increment()
            channel.close(promise: nil)
            return
        }
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
    }
}
