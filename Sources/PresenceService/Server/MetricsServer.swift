import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// Serves `/metrics` (Prometheus text format) and health over HTTP/1.1: `/healthz/live` (200 while the
/// pipeline ticks), `/healthz/ready` (200 once it has ticked), `/healthz` (200 when both), else 503 with
/// the reason in one line; and the live page (DESIGN.md §9): `/` with its script and style, and `/live`. Listens on `[metrics] listen`; after a reload that changes it, on the new
/// address (bound before the old one is let go, so a bad new address keeps the old listener).
public final class MetricsServer: Service, Sendable {
    let running: RunningConfig
    let metrics: PresenceMetrics
    let health: DaemonHealth
    let live: LiveFeed
    let eventLoops: EventLoopGroup
    let logger: Logger
    let limits: HTTPLimits
    /// Shared by the listeners a reload may make: the cap is on the process's connections.
    private let gate: ConnectionGate
    private let backoff: AcceptBackoff

    init(running: RunningConfig, metrics: PresenceMetrics, health: DaemonHealth, live: LiveFeed, eventLoops: EventLoopGroup,
         logger: Logger, limits: HTTPLimits = HTTPLimits()) {
        self.running = running
        self.metrics = metrics
        self.health = health
        self.live = live
        self.eventLoops = eventLoops
        self.logger = logger
        self.limits = limits
        gate = ConnectionGate(limit: limits.maxConnections)
        backoff = AcceptBackoff(listener: "http", counter: metrics.acceptErrorsHTTP, logger: logger)
    }

    public func bind(_ address: ListenAddress) async throws -> Channel {
        let registry = metrics.registry, health = self.health, metrics = self.metrics, limits = self.limits, live = self.live
        let gate = self.gate, backoff = self.backoff
        return try await ServerBootstrap(group: eventLoops)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(backoff.handler()) }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard gate.enter() else {
                        metrics.httpRefused.increment()
                        try channel.pipeline.syncOperations.addHandler(RefusedConnectionHandler())
                        return
                    }
                    channel.closeFuture.whenComplete { _ in gate.leave() }
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: limits.idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HTTPDeadlineHandler(limits: limits, metrics: metrics))
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry, health: health, live: live))
                }
            }
            .bind(host: address.host, port: address.port)
            .get()
    }

    public func run() async throws {
        let changes = running.changes()
        var address = ListenAddress(running.config.metrics.listen)
        var channel: Channel?
        if let address {
            do {
                channel = try await listen(address)
            } catch {
                // At start it is fatal (the address is taken, or not this host's): exit 74 with the reason.
                throw ServerError(.ioError, "metrics: cannot listen on \(running.config.metrics.listen): \(error)")
            }
        }
        for await config in changes.cancelOnGracefulShutdown() {
            let wanted = ListenAddress(config.metrics.listen)
            guard wanted != address else { continue }
            do {
                var new: Channel?
                if let wanted { new = try await listen(wanted) }
                try? await channel?.close()
                (channel, address) = (new, wanted)
                if wanted == nil { logger.notice("metrics listener closed ([metrics] listen is empty)") }
            } catch {
                logger.error("metrics listener kept where it was", metadata: ["wanted": "\(config.metrics.listen)", "error": "\(error)"])
            }
        }
        try? await channel?.close()
    }

    private func listen(_ address: ListenAddress) async throws -> Channel {
        let channel = try await bind(address)
        logger.info("metrics listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        return channel
    }
}

final class MetricsHTTPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: PrometheusCollectorRegistry
    let health: DaemonHealth
    let live: LiveFeed

    init(registry: PrometheusCollectorRegistry, health: DaemonHealth, live: LiveFeed) {
        self.registry = registry
        self.health = health
        self.live = live
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let page = "text/html; charset=utf-8"
        if request.method == .GET, request.uri == "/live" { return startLive(context: context, request: request) }
        let (status, contentType, body): (HTTPResponseStatus, String, [UInt8]) = switch (request.method, request.uri) {
        case (.GET, "/metrics"): (.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToBuffer())
        case (.GET, "/healthz"), (.GET, "/healthz/live"), (.GET, "/healthz/ready"):
            healthResponse(request.uri)
        case (.GET, "/"): (.ok, page, Array(SetupPage.html.utf8))
        case (.GET, "/setup.js"): (.ok, "text/javascript; charset=utf-8", Array(SetupPage.script.utf8))
        case (.GET, "/setup.css"): (.ok, "text/css; charset=utf-8", Array(SetupPage.css.utf8))
        case (.GET, _): (.notFound, "text/plain; charset=utf-8", Array("not found; try /, /metrics or /healthz\n".utf8))
        default: (.methodNotAllowed, "text/plain; charset=utf-8", Array("only GET\n".utf8))
        }
        var headers = Self.pageHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Headers of every answer: the page's policy (it applies to what a browser renders, and costs nothing
    /// elsewhere), no sniffing of types, no framing by other sites.
    static func pageHeaders() -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Security-Policy", value: SetupPage.contentSecurityPolicy)
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        return headers
    }

    static let liveSendBuffer: SocketOptionValue = 32 * 1024

    /// `GET /live`: the response head, then the stream (LiveFeed) until the browser goes. It never ends by
    /// itself, so the connection is not reused for another request.
    private func startLive(context: ChannelHandlerContext, request: HTTPRequestHead) {
        // A fixed send buffer (no autotuning up to megabytes): a browser that stops reading fills it and
        // NIO's queue within seconds, and is dropped (LiveFeed) instead of holding memory.
        _ = context.channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: Self.liveSendBuffer)
        var headers = Self.pageHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-store")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers))), promise: nil)
        // Tells the browser how long to wait before it reconnects after the daemon went (a restart).
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: "retry: 2000\n\n")))), promise: nil)
        live.add(context.channel)
    }

    private func healthResponse(_ uri: String) -> (HTTPResponseStatus, String, [UInt8]) {
        let s = health.status()
        let good = switch uri {
        case "/healthz/live": s.alive
        case "/healthz/ready": s.ready
        default: s.alive && s.ready
        }
        return (good ? .ok : .serviceUnavailable, "text/plain; charset=utf-8", Array("\(s.text)\n".utf8))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
