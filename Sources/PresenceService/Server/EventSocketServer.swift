import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The Unix stream socket of DESIGN.md §4: `hello`, then events as JSON lines.
/// Clients are not expected to say anything; what they send is read and
/// discarded, and a client that sends an over-long line is closed.
public final class EventSocketServer: Service, Sendable {
    let path: String
    let mode: UInt32
    let group: String
    let hub: EventHub
    let eventLoops: EventLoopGroup
    let logger: Logger

    public init(path: String, mode: UInt32, group: String, hub: EventHub, eventLoops: EventLoopGroup, logger: Logger) {
        self.path = path
        self.mode = mode
        self.group = group
        self.hub = hub
        self.eventLoops = eventLoops
        self.logger = logger
    }

    /// Binds the socket; errors here are the daemon's start-up errors.
    public func bind() async throws -> Channel {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let hub = self.hub
        let channel = try await ServerBootstrap(group: eventLoops)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SubscriberHandler(hub: hub))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
            .get()
        try applyPermissions()
        return channel
    }

    public func run() async throws {
        let channel = try await bind()
        logger.info("event socket listening", metadata: ["path": "\(path)"])
        try? await gracefulShutdown()
        try? await channel.close()
        hub.closeAll()
        unlink(path)
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

/// One socket client: subscribes on connect, unsubscribes on close, and drops input.
/// Lives on its channel's event loop only, so its state needs no lock.
final class SubscriberHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Clients have nothing to say yet; bound what they may send without a newline.
    static let maxLineLength = 4096
    let hub: EventHub
    /// Bytes received since the client's last newline.
    private var pendingLine = 0

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
        let view = buffer.readableBytesView
        if let lastNewline = view.lastIndex(of: UInt8(ascii: "\n")) {
            pendingLine = view.endIndex - lastNewline - 1
        } else {
            pendingLine += view.count
        }
        if pendingLine > Self.maxLineLength { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
