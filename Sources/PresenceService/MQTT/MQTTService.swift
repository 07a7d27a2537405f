import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PresenceCore
import ServiceLifecycle
import Synchronization

/// Keeps one MQTT connection to the broker of `[mqtt]` (if any) for the daemon's life: connects, lets an
/// `MQTTSession` publish the state, and when the connection fails or is refused tries again after
/// 1 s, 2 s, 4 s … up to 60 s (each ±20 %, so that a fleet does not reconnect in step). A
/// connection that lasted a minute starts the backoff again from 1 s. Events are never queued
/// while disconnected: what is published is state, and the current state is published on connect.
/// A reload that changes `[mqtt]` says goodbye to the broker and connects again with the new settings.
public final class MQTTService: Service, Sendable {
    private let running: RunningConfig
    private let version: String
    /// The settings in force, and how many times they changed (a connection notices it was replaced).
    // Locks here are NIOLockedValueBox (pthread), not Synchronization.Mutex: ThreadSanitizer cannot see
    // Mutex's futex on Linux and reports every access it guards as a race (make test-sanitize).
    private let settings: NIOLockedValueBox<(config: PresenceConfig.MQTT?, generation: Int)>
    /// The pause between connection attempts; new settings or shutdown end it early.
    private let pause = InterruptibleSleep()
    private let hub: EventHub
    private let eventLoops: EventLoopGroup
    private let metrics: PresenceMetrics?
    private let logger: Logger
    let backoff: (first: TimeAmount, max: TimeAmount)

    private enum Link {
        case idle
        /// Failed by shutdown, so that waiting for a slow TCP connect does not hold it up.
        case connecting(EventLoopPromise<Channel>)
        case connected(Channel)
    }
    private let link = NIOLockedValueBox(Link.idle)
    private let stopping = Atomic<Bool>(false)
    /// The sources and head count of the last occupancy change (the hub's state does not keep them).
    private let lastChange = NIOLockedValueBox<(sources: SensorScores, count: Int?)?>(nil)

    public init(running: RunningConfig, version: String, hub: EventHub, eventLoops: EventLoopGroup,
                metrics: PresenceMetrics?, logger: Logger,
                backoff: (first: TimeAmount, max: TimeAmount) = (.seconds(1), .seconds(60))) {
        self.running = running
        self.version = version
        settings = NIOLockedValueBox((running.config.mqtt, 0))
        self.hub = hub
        self.eventLoops = eventLoops
        self.metrics = metrics
        self.logger = logger
        self.backoff = backoff
    }

    public func run() async throws {
        hub.observe { [weak self] events, state in self?.changed(events, state: state) }
        let changes = running.changes()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await config in changes { self.reconfigure(config.mqtt) } }
                await connectionLoop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            self.pause.wake()
            self.hangUp()
        }
    }

    private func connectionLoop() async {
        var delay = backoff.first
        // Cancelled (not shut down) when another service failed: a pause then returns at once.
        while !stopping.load(ordering: .relaxed), !Task.isCancelled {
            let (config, generation) = settings.withLockedValue { $0 }
            guard let config else {
                await pause.sleep(nil)  // until a reload brings an [mqtt] section
                continue
            }
            let started = NIODeadline.now()
            do {
                try await connectAndServe(config)
                if !stopping.load(ordering: .relaxed), settings.withLockedValue({ $0.generation }) == generation {
                    logger.warning("mqtt connection lost")
                }
            } catch {
                logger.warning("mqtt connection failed", metadata: ["broker": "\(config.broker.host):\(config.broker.port)", "error": "\(error)"])
            }
            if stopping.load(ordering: .relaxed) || Task.isCancelled { break }
            if settings.withLockedValue({ $0.generation }) != generation {
                delay = backoff.first  // new settings: try them at once
                pause.forgetWake()  // the one that announced them
                continue
            }
            if NIODeadline.now() - started > .seconds(60) { delay = backoff.first }
            let jittered = TimeAmount.nanoseconds(Int64(Double(delay.nanoseconds) * Double.random(in: 0.8...1.2)))
            logger.notice("mqtt reconnecting", metadata: ["in": "\(DurationText.format(jittered.nanoseconds))"])
            await pause.sleep(.nanoseconds(jittered.nanoseconds))
            delay = min(delay * 2, backoff.max)
        }
    }

    private func reconfigure(_ new: PresenceConfig.MQTT?) {
        let changed = settings.withLockedValue { s in
            guard s.config != new else { return false }
            s = (new, s.generation + 1)
            return true
        }
        guard changed else { return }
        logger.notice(new == nil ? "mqtt turned off" : "mqtt settings changed; connecting again")
        hangUp()
        pause.wake()
    }

    /// Ends the connection there is: a clean goodbye when connected, abandoning a connect under way.
    private func hangUp() {
        switch link.withLockedValue({ $0 }) {
        case .connected(let channel): channel.pipeline.fireUserInboundEventTriggered(MQTTSession.Command.goodbye)
        case .connecting(let gate): gate.fail(CancellationError())
        case .idle: break
        }
    }

    /// One connection: returns when it closes after the broker accepted it (by either side); throws
    /// when it could not be made, was abandoned, or the broker refused it.
    private func connectAndServe(_ config: PresenceConfig.MQTT) async throws {
        let topics = HomeAssistantTopics(config: config, version: version)
        let loop = eventLoops.next()
        let accepted = loop.makePromise(of: Void.self), gate = loop.makePromise(of: Channel.self)
        let stopNow = link.withLockedValue { l in
            l = .connecting(gate)
            return stopping.load(ordering: .relaxed)
        }
        defer {
            link.withLockedValue { $0 = .idle }
            metrics?.mqttConnected.set(Int64(0))
        }
        if stopNow { return }
        let connect = MQTTPacket.Connect(
            clientID: config.resolvedClientID,
            keepAlive: UInt16(min(config.keepAlive / Nanos.perSecond, Int64(UInt16.max))),
            will: .init(topic: topics.availability, payload: HomeAssistantTopics.offline, retain: true),
            username: config.username.isEmpty ? nil : config.username,
            password: config.username.isEmpty ? nil : config.password)
        let keepAlive = TimeAmount.nanoseconds(config.keepAlive), logger = self.logger
        let snapshot: @Sendable () -> MQTTSession.Snapshot = { [self] in
            let last = lastChange.withLockedValue { $0 }
            return MQTTSession.Snapshot(state: hub.state, sources: last?.sources, count: last?.count, zones: hub.zones)
        }
        let connecting = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(5))
            // Small packets at once. (tcpOption: a socketOption here would be SOL_SOCKET level, where
            // option 1 is SO_DEBUG, refused to an unprivileged user, and no connection would ever open.)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MQTTPacketDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MQTTSession(
                        connect: connect, topics: topics, keepAlive: keepAlive, accepted: accepted, logger: logger, snapshot: snapshot))
                }
            }
            .connect(host: config.broker.host, port: config.broker.port)
        connecting.cascade(to: gate)
        // Made after shutdown or new settings abandoned it (failed the gate): nobody else will close it.
        connecting.whenSuccess { channel in gate.futureResult.whenFailure { _ in channel.close(promise: nil) } }
        let channel: Channel
        do {
            channel = try await gate.futureResult.get()
        } catch {
            accepted.fail(error)
            throw error
        }
        // Shutdown may have begun while connecting: it could not say goodbye to a channel it did not know.
        let stopAfterConnect = link.withLockedValue { l in
            l = .connected(channel)
            return stopping.load(ordering: .relaxed)
        }
        if stopAfterConnect { channel.pipeline.fireUserInboundEventTriggered(MQTTSession.Command.goodbye) }
        do {
            try await accepted.futureResult.get()
        } catch {
            try? await channel.closeFuture.get()
            throw error
        }
        metrics?.mqttConnected.set(Int64(1))
        logger.info("mqtt connected", metadata: ["broker": "\(config.broker.host):\(config.broker.port)", "client_id": "\(config.resolvedClientID)",
                                                 "topics": "\(topics.base)/#"])
        try? await channel.closeFuture.get()
    }

    private func changed(_ events: [PresenceEvent], state: OccupancyState) {
        let last = lastChange.withLockedValue { last in
            for case .occupancy(let o) in events { last = (o.sources, o.count) }
            return last
        }
        guard case .connected(let channel) = link.withLockedValue({ $0 }) else { return }
        channel.pipeline.fireUserInboundEventTriggered(MQTTSession.Command.update(.init(
            state: state, sources: last?.sources, count: last?.count, zones: hub.zones)))
    }
}
