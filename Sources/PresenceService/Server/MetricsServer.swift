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
    let actions: LiveActions
    let eventLoops: EventLoopGroup
    let logger: Logger
    let limits: HTTPLimits
    /// Shared by the listeners a reload may make: the cap is on the process's connections.
    private let gate: ConnectionGate
    private let backoff: AcceptBackoff

    init(running: RunningConfig, metrics: PresenceMetrics, health: DaemonHealth, live: LiveFeed, actions: LiveActions,
         eventLoops: EventLoopGroup, logger: Logger, limits: HTTPLimits = HTTPLimits()) {
        self.running = running
        self.metrics = metrics
        self.health = health
        self.live = live
        self.actions = actions
        self.eventLoops = eventLoops
        self.logger = logger
        self.limits = limits
        gate = ConnectionGate(limit: limits.maxConnections)
        backoff = AcceptBackoff(listener: "http", counter: metrics.acceptErrorsHTTP, logger: logger)
    }

    public func bind(_ address: ListenAddress) async throws -> Channel {
        let registry = metrics.registry, health = self.health, metrics = self.metrics, limits = self.limits, live = self.live
        let actions = self.actions, running = self.running
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
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry, health: health, live: live, actions: actions, running: running))
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
