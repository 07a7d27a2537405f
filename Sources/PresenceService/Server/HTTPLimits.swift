import Glibc
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import Synchronization

/// What one HTTP listener allows (the metrics listener; the live page shares it): the same process also
/// serves the event socket, so neither may let a crowd of idle or slow clients take every descriptor.
struct HTTPLimits: Sendable {
    /// Connections open at once; one more is answered 503 and closed (`presence_http_connections_refused_total`).
    var maxConnections = 64
    /// From connecting (or from the end of the last response on a kept-alive connection) to a complete
    /// request header: a client that trickles its header (slowloris) or sends nothing is closed.
    var headerDeadline: TimeAmount = .seconds(10)
    /// A request under way (header read, response not finished) on which nothing was read or written this
    /// long is closed. A stream that writes (server-sent events) is never idle.
    var idleTimeout: TimeAmount = .seconds(60)
}

/// Counts the open HTTP connections against `HTTPLimits.maxConnections`.
final class ConnectionGate: Sendable {
    private let open = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var count: Int { open.load(ordering: .relaxed) }

    /// Takes a place if one is free.
    func enter() -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, seen) = open.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = seen
        }
        return false
    }

    func leave() { open.subtract(1, ordering: .relaxed) }
}

/// Answers a connection over the limit with 503 and closes it, without reading its request.
final class RefusedConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    static let response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
        + "Connection: close\r\nContent-Length: 35\r\n\r\ntoo many connections; try again soon"

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(NIOAny(channel.allocator.buffer(string: Self.response))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

/// Enforces `HTTPLimits.headerDeadline` and `idleTimeout` on one connection. Sits after the HTTP codec: it
/// sees whole request heads and the end of each response. (An `IdleStateHandler` before it reports idleness.)
final class HTTPDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limits: HTTPLimits
    private let metrics: PresenceMetrics?
    private var deadline: Scheduled<Void>?
    /// Between a request's head and the end of its response: only then does idleness count.
    private var requestUnderWay = false

    init(limits: HTTPLimits, metrics: PresenceMetrics?) {
        self.limits = limits
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            deadline?.cancel()
            deadline = nil
            requestUnderWay = true
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            requestUnderWay = false
            // Kept alive: the next request's header is due within the deadline too.
            arm(context)
        }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all, requestUnderWay {
            metrics?.httpClosedIdle.increment()
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel, metrics = self.metrics
        deadline = context.eventLoop.scheduleTask(in: limits.headerDeadline) {
            metrics?.httpClosedHeaderTimeout.increment()
            channel.close(promise: nil)
        }
    }
}

/// The accept backoff both listeners use: when accept fails (EMFILE: out of descriptors; ENFILE, ENOBUFS,
/// ENOMEM), the listener stops accepting for a second instead of retrying at once; the failure is counted,
/// and logged at most once a minute.
///
/// (NIO's own `AcceptBackoffHandler` does not help here: when the very first accept of a wake-up fails, the
/// server channel stays registered for readability, epoll reports the waiting connection again at once, and
/// the event loop spins at 100 % until a descriptor frees up. Turning `autoRead` off unregisters it.)
final class AcceptBackoff: Sendable {
    let listener: String
    let counter: Counter?
    let logger: Logger
    let pause: TimeAmount
    private let lastLogged = Atomic<Int64>(0)

    init(listener: String, counter: Counter?, logger: Logger, pause: TimeAmount = .seconds(1)) {
        self.listener = listener
        self.counter = counter
        self.logger = logger
        self.pause = pause
    }

    /// The handler for one server channel.
    func handler() -> Handler { Handler(backoff: self) }

    fileprivate func failed(_ error: IOError) {
        counter?.increment()
        let now = Int64(NIODeadline.now().uptimeNanoseconds)
        let last = lastLogged.load(ordering: .relaxed)
        if last == 0 || now - last >= 60_000_000_000 {
            lastLogged.store(now, ordering: .relaxed)
            logger.warning("cannot accept a connection; waiting a second", metadata: ["listener": "\(listener)", "error": "\(error)"])
        }
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = Channel
        private let backoff: AcceptBackoff
        private var resume: Scheduled<Void>?

        init(backoff: AcceptBackoff) { self.backoff = backoff }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            guard let io = error as? IOError, [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(io.errnoCode) else {
                context.fireErrorCaught(error)
                return
            }
            backoff.failed(io)
            guard resume == nil, let options = context.channel.syncOptions else { return }
            try? options.setOption(.autoRead, value: false)
            let channel = context.channel
            resume = context.eventLoop.scheduleTask(in: backoff.pause) { [self] in
                resume = nil
                try? channel.syncOptions?.setOption(.autoRead, value: true)
            }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            resume?.cancel()
        }
    }
}
