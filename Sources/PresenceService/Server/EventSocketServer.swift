import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The Unix stream socket of DESIGN.md §4: `hello`, then events as JSON lines.
/// Listens on the socket systemd passed (socket activation) or binds `path`,
/// replacing a stale socket file but never a live one (`SocketFile`).
/// Clients are not expected to say anything: what they send is read and
/// discarded, and a client that sends an over-long line or too much is closed.
public final class EventSocketServer: Service, Sendable {
    let path: String
    let mode: UInt32
    let group: String
    let hub: EventHub
    let eventLoops: EventLoopGroup
    let logger: Logger
    private let backoff: AcceptBackoff

    /// A client's outbound queue: past `high` bytes unsent it is dropped at the next event (DESIGN.md §4).
    static let queueLimit = ChannelOptions.Types.WriteBufferWaterMark(low: 16 * 1024, high: 64 * 1024)

    public init(path: String, mode: UInt32, group: String, hub: EventHub, eventLoops: EventLoopGroup, logger: Logger,
                metrics: PresenceMetrics? = nil) {
        self.path = path
        self.mode = mode
        self.group = group
        self.hub = hub
        self.eventLoops = eventLoops
        self.logger = logger
        backoff = AcceptBackoff(listener: "socket", counter: metrics?.acceptErrorsSocket, logger: logger)
    }

    /// The listening channel, and the socket file this process owns (nil when systemd owns it).
    struct Listener {
        let channel: Channel
        let file: SocketFile?
    }

    /// Binds the socket; errors here are the daemon's start-up errors.
    func bind() async throws -> Listener {
        let hub = self.hub, backoff = self.backoff
        let bootstrap = ServerBootstrap(group: eventLoops)
            .serverChannelOption(.backlog, value: 1024)
            // Out of descriptors (EMFILE): wait a second before accepting again instead of spinning.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(backoff.handler()) }
            }
            .childChannelOption(.writeBufferWaterMark, value: Self.queueLimit)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SubscriberHandler(hub: hub))
                }
            }
        if let fd = try SocketActivation.inheritedSocket() {
            // systemd made the socket (path, mode, group: presenced.socket) and keeps it across restarts.
            return Listener(channel: try await bootstrap.withBoundSocket(fd).get(), file: nil)
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let file = try SocketFile(claiming: path)
        do {
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
            try applyPermissions()
            return Listener(channel: channel, file: file)
        } catch {
            file.release()
            throw error
        }
    }

    public func run() async throws {
        let listener = try await bind()
        logger.info("event socket listening", metadata: ["path": "\(listener.file == nil ? "systemd socket" : path)"])
        try? await gracefulShutdown()
        try? await listener.channel.close()
        hub.closeAll()
        listener.file?.release()
    }

    private func applyPermissions() throws {
        if !group.isEmpty {
            guard let g = getgrnam(group) else {
                throw ConfigError(file: "socket", key: "socket.group", message: "expected an existing group name, got \"\(group)\"")
            }
            guard chown(path, UInt32.max, g.pointee.gr_gid) == 0 else {
                throw ConfigError(file: "socket", key: "socket.group", message: "cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            throw ConfigError(file: "socket", key: "socket.mode", message: "cannot set mode \(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// One socket client: subscribes on connect, unsubscribes on close, and drops input within
/// `ClientInputBounds`.
/// Lives on its channel's event loop only, so its state needs no lock.
final class SubscriberHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let hub: EventHub
    private var input = ClientInputBounds(now: Int64(NIODeadline.now().uptimeNanoseconds))

    init(hub: EventHub) { self.hub = hub }

    func channelActive(context: ChannelHandlerContext) {
        hub.subscribe(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        hub.unsubscribe(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if !input.accept(buffer.readableBytesView, now: Int64(NIODeadline.now().uptimeNanoseconds)) {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
