import Logging
import NIOCore
import PresenceCore

/// One connection to the broker, from CONNECT to close; lives on its channel's event loop. Once the
/// broker accepts it, it publishes the whole current state (discovery, `online`, occupancy, sensors),
/// then only what changes. The service outside talks to it with `Command`s sent as user events.
/// The session is clean (MQTT "clean session"): nothing is resumed after a reconnect, because
/// everything it publishes is retained state, published again whole on every connect.
final class MQTTSession: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket
    typealias OutboundOut = ByteBuffer

    /// What the session publishes: the hub's state, and the sources and head count of its last occupancy change.
    struct Snapshot: Sendable {
        var state: OccupancyState
        var sources: SensorScores?
        var count: Int? = nil
        /// Occupancy per LD2450 include zone, by name.
        var zones: [String: Bool] = [:]
    }

    enum Command: Sendable {
        /// The state changed (an event was published).
        case update(Snapshot)
        /// Shutdown: say `offline`, DISCONNECT (so the broker drops the will), close.
        case goodbye
    }

    private let connect: MQTTPacket.Connect
    private let topics: HomeAssistantTopics
    private let keepAlive: TimeAmount
    /// Read on CONNACK and when Home Assistant restarts: the state to publish whole.
    private let snapshot: @Sendable () -> Snapshot
    /// Succeeds on CONNACK accepted; fails when the connection ends before that.
    private let accepted: EventLoopPromise<Void>
    private let logger: Logger

    private var isAccepted = false
    /// `accepted` is completed (a promise may be completed only once).
    private var isSettled = false
    private var acceptTimeout: Scheduled<Void>?
    private var pinger: RepeatedTask?
    private var awaitingPong = false
    private var lastPacketID: UInt16 = 0
    /// What this connection has published, so that an update sends only what changed.
    private var publishedOccupied: Bool?
    private var publishedSensors: [SensorKind: SensorStatus] = [:]
    private var publishedZones: [String: Bool] = [:]

    init(connect: MQTTPacket.Connect, topics: HomeAssistantTopics, keepAlive: TimeAmount,
         accepted: EventLoopPromise<Void>, logger: Logger, snapshot: @escaping @Sendable () -> Snapshot) {
        self.connect = connect
        self.topics = topics
        self.keepAlive = keepAlive
        self.accepted = accepted
        self.logger = logger
        self.snapshot = snapshot
    }

    func channelActive(context: ChannelHandlerContext) {
        send(.connect(connect), context: context)
        context.flush()
        // A broker that takes the TCP connection but never answers is as good as none.
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        acceptTimeout = context.eventLoop.scheduleTask(in: .seconds(10)) {
            let (session, context) = bound.value
            session.fail(MQTTProtocolError(description: "no CONNACK within 10 s"), context: context)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        acceptTimeout?.cancel()
        pinger?.cancel()
        settle(.failure(MQTTProtocolError(description: "the broker closed the connection before accepting it")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(error, context: context)
    }

    /// Ends the connection. Before CONNACK the service logs why (from `accepted`); after it, this does.
    private func fail(_ error: Error, context: ChannelHandlerContext) {
        if isAccepted { logger.warning("mqtt connection failed", metadata: ["error": "\(error)"]) }
        settle(.failure(error))
        context.close(promise: nil)
    }

    private func settle(_ result: Result<Void, Error>) {
        guard !isSettled else { return }
        isSettled = true
        accepted.completeWith(result)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .connack(_, let code):
            guard !isAccepted else { return }
            acceptTimeout?.cancel()
            guard code == 0 else {
                fail(MQTTProtocolError(description: "the broker refused the connection: \(MQTTPacket.refusal(code))"), context: context)
                return
            }
            isAccepted = true
            settle(.success(()))
            if let status = topics.homeAssistantStatus {
                send(.subscribe(packetID: nextPacketID(), filters: [status], qos: 0), context: context)
            }
            publishAll(context: context)
            startPinging(context: context)
        case .publish(let p):
            if p.qos > 0 { send(.puback(packetID: p.packetID), context: context) }
            // Home Assistant came (back): it forgot the entities unless discovery is retained; say it all again.
            if p.topic == topics.homeAssistantStatus, String(buffer: p.payload) == HomeAssistantTopics.online {
                publishAll(context: context)
            }
            context.flush()
        case .pingresp:
            awaitingPong = false
        case .puback, .suback:
            break
        case .connect, .subscribe, .pingreq, .disconnect:
            fail(MQTTProtocolError(description: "the broker sent a packet only clients send"), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? Command {
        case .update(let s)?:
            guard isAccepted, context.channel.isActive else { return }
            publishChanges(s, force: false, context: context)
            context.flush()
        case .goodbye?:
            guard isAccepted, context.channel.isActive else {
                context.close(promise: nil)
                return
            }
            publish(topics.availability, HomeAssistantTopics.offline, context: context)
            var buffer = context.channel.allocator.buffer(capacity: 2)
            MQTTPacket.disconnect.encode(into: &buffer)
            // Closed once the broker has the bytes: closing at once could drop the unsent ones.
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
        case nil:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: - Publishing

    private func publishAll(context: ChannelHandlerContext) {
        if let d = topics.occupancyDiscovery { publish(d.topic, d.payload, context: context) }
        publishedOccupied = nil
        publishedSensors = [:]
        publishedZones = [:]
        let s = snapshot()
        for sensor in s.state.sensors.keys.sorted() {
            if let d = topics.sensorDiscovery(sensor) { publish(d.topic, d.payload, context: context) }
        }
        publish(topics.availability, HomeAssistantTopics.online, context: context)
        publishChanges(s, force: true, context: context)
        context.flush()
    }

    private func publishChanges(_ s: Snapshot, force: Bool, context: ChannelHandlerContext) {
        let sensorsChanged = s.state.sensors != publishedSensors
        for (sensor, status) in s.state.sensors.sorted(by: { $0.key < $1.key }) where publishedSensors[sensor] != status {
            // A sensor seen for the first time on this connection gets its entity first.
            if publishedSensors[sensor] == nil, !force, let d = topics.sensorDiscovery(sensor) { publish(d.topic, d.payload, context: context) }
            publish(topics.sensor(sensor), HomeAssistantTopics.onOff(status != .lost), context: context)
        }
        publishedSensors = s.state.sensors
        // Attributes first: Home Assistant shows the new state with its confidence, not the old one's.
        if force || sensorsChanged || publishedOccupied != s.state.occupied {
            publish(topics.attributes, HomeAssistantTopics.attributes(of: s.state, sources: s.sources, count: s.count), context: context)
        }
        if force || publishedOccupied != s.state.occupied {
            publish(topics.occupancy, HomeAssistantTopics.onOff(s.state.occupied), context: context)
            publishedOccupied = s.state.occupied
        }
        // Zones: a new one gets its entity first, a removed one loses it, a changed one its state.
        for name in publishedZones.keys.sorted() where s.zones[name] == nil {
            if let d = topics.zoneDiscovery(name, removed: true) { publish(d.topic, d.payload, context: context) }
        }
        for (name, occupied) in s.zones.sorted(by: { $0.key < $1.key }) where force || publishedZones[name] != occupied {
            if publishedZones[name] == nil, let d = topics.zoneDiscovery(name) { publish(d.topic, d.payload, context: context) }
            publish(topics.zone(name), HomeAssistantTopics.onOff(occupied), context: context)
        }
        publishedZones = s.zones
    }

    /// Retained, QoS 1: a subscriber that asked for QoS 1 gets it at least once from the broker.
    private func publish(_ topic: String, _ payload: String, context: ChannelHandlerContext) {
        let p = MQTTPacket.Publish(topic: topic, payload: ByteBuffer(string: payload), qos: 1, retain: true, packetID: nextPacketID())
        send(.publish(p), context: context)
    }

    private func send(_ packet: MQTTPacket, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        packet.encode(into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Non-zero (§2.3.1), wrapping; with at most a few messages in flight an id is never reused while pending.
    private func nextPacketID() -> UInt16 {
        lastPacketID = lastPacketID == UInt16.max ? 1 : lastPacketID + 1
        return lastPacketID
    }

    /// A PINGREQ every keep-alive period; a broker that has not answered the previous one by then is gone
    /// (a half-open TCP connection would otherwise look connected for hours).
    private func startPinging(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: keepAlive, delay: keepAlive) { _ in
            let (session, context) = bound.value
            guard !session.awaitingPong else {
                session.fail(MQTTProtocolError(description: "no PINGRESP within the keep-alive period"), context: context)
                return
            }
            session.awaitingPong = true
            session.send(.pingreq, context: context)
            context.flush()
        }
    }
}
