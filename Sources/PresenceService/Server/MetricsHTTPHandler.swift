import NIOCore
import NIOHTTP1
import PresenceCore
import Prometheus

/// One connection of the metrics listener: `/metrics`, `/healthz…`, and the live page (DESIGN.md §9): `/`,
/// its script and style, `/live` (LiveFeed), `POST /label` (LiveActions). With `[web] token` every request
/// must carry it; a POST must come from the page itself (WebAccess).
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request body beyond this is refused (the page sends a few bytes).
    static let maxBody = 4096
    static let liveSendBuffer: SocketOptionValue = 32 * 1024
    /// The routes whose POST changes something.
    static let changes: Set<Substring> = ["/label", "/calibrate", "/zones"]

    let registry: PrometheusCollectorRegistry
    let health: DaemonHealth
    let live: LiveFeed
    let actions: LiveActions
    let running: RunningConfig
    private var request: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false

    init(registry: PrometheusCollectorRegistry, health: DaemonHealth, live: LiveFeed, actions: LiveActions, running: RunningConfig) {
        self.registry = registry
        self.health = health
        self.live = live
        self.actions = actions
        self.running = running
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
            body.removeAll()
            bodyTooLarge = false
        case .body(let buffer):
            if body.count + buffer.readableBytes <= Self.maxBody { body += buffer.readableBytesView } else { bodyTooLarge = true }
        case .end:
            guard let request else { return }
            self.request = nil
            respond(context: context, request: request)
        }
    }

    private typealias Answer = (status: HTTPResponseStatus, type: String, body: [UInt8])

    private func respond(context: ChannelHandlerContext, request: HTTPRequestHead) {
        let web = running.config.web
        let verdict = WebAccess.check(request, token: web.token)
        if case .refused(let why) = verdict {
            return send(context, request, (.unauthorized, "text/plain; charset=utf-8", Array("\(why)\n".utf8)),
                        extra: [("WWW-Authenticate", "Bearer")])
        }
        let extra = verdict == .allowedSetCookie ? [("Set-Cookie", WebAccess.setCookie(web.token))] : []
        guard !bodyTooLarge else {
            return send(context, request, (.payloadTooLarge, "text/plain; charset=utf-8", Array("a body over \(Self.maxBody) bytes\n".utf8)), extra: extra)
        }
        let path = WebAccess.path(request.uri)
        if request.method == .GET, path == "/live" { return startLive(context: context, request: request, extra: extra) }
        let text = "text/plain; charset=utf-8"
        // Every change the page makes, refused when it does not come from the page itself (WebAccess.sameOrigin).
        if request.method == .POST, Self.changes.contains(path), !WebAccess.sameOrigin(request) {
            return send(context, request, (.forbidden, text, Array("a change must come from the live page itself (Origin)\n".utf8)), extra: extra)
        }
        let answer: Answer = switch (request.method, path) {
        case (.GET, "/metrics"): (.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToBuffer())
        case (.GET, "/healthz"), (.GET, "/healthz/live"), (.GET, "/healthz/ready"): healthResponse(String(path))
        case (.GET, "/"): (.ok, "text/html; charset=utf-8", Array(SetupPage.html.utf8))
        case (.GET, "/setup.js"): (.ok, "text/javascript; charset=utf-8", Array(SetupPage.script.utf8))
        case (.GET, "/setup.css"): (.ok, "text/css; charset=utf-8", Array(SetupPage.css.utf8))
        case (.POST, "/label"): label(request)
        case (.POST, "/calibrate"): calibrate(request)
        case (.GET, "/zones"): (.ok, "application/json", ZonesFile.encode(actions.currentZones))
        case (.POST, "/zones"): zones(request)
        case (_, "/zones"): (.methodNotAllowed, text, Array("GET or POST\n".utf8))
        case (_, "/calibrate"): (.methodNotAllowed, text, Array("only POST\n".utf8))
        case (_, "/label"): (.methodNotAllowed, text, Array("only POST\n".utf8))
        case (.GET, _): (.notFound, text, Array("not found; try /, /metrics or /healthz\n".utf8))
        default: (.methodNotAllowed, text, Array("only GET\n".utf8))
        }
        send(context, request, answer, extra: extra)
    }

    /// `POST /label`, body `{"occupied":true}` or `{"occupied":false}`: the present moment, labelled into the
    /// flight recorder's clip (which the label opens when none is open).
    private func label(_ request: HTTPRequestHead) -> Answer {
        let text = "text/plain; charset=utf-8"
        let json = String(decoding: body, as: UTF8.self).filter { !$0.isWhitespace }
        let occupied: Bool
        switch json {
        case #"{"occupied":true}"#: occupied = true
        case #"{"occupied":false}"#: occupied = false
        default: return (.badRequest, text, Array(#"expected {"occupied":true} or {"occupied":false}"#.utf8) + [10])
        }
        guard running.config.recording.flightRecorder > 0 else {
            return (.conflict, text, Array("the flight recorder is off: set [recording] flight_recorder to keep labelled clips\n".utf8))
        }
        actions.label(occupied: occupied)
        return (.accepted, text, Array("labelled \(occupied ? "someone is here" : "nobody is here"); the clip will be in [recording] dir\n".utf8))
    }

    /// `POST /calibrate`, body `{"countdown":S,"duration":S}` (both optional: 15 s to leave the room, then 60 s
    /// of learning): an empty-room calibration of the radar inside the running daemon (PageCalibration).
    private func calibrate(_ request: HTTPRequestHead) -> Answer {
        let text = "text/plain; charset=utf-8"
        guard actions.hasRadar else {
            return (.conflict, text, Array("no radar: nothing to calibrate\n".utf8))
        }
        guard let seconds = Self.calibrationSeconds(body) else {
            return (.badRequest, text, Array(#"expected {"countdown":0-300,"duration":10-600} (seconds; both optional)"#.utf8) + [10])
        }
        guard actions.calibrate(countdown: Int64(seconds.countdown) * Nanos.perSecond, duration: Int64(seconds.duration) * Nanos.perSecond) else {
            return (.conflict, text, Array("a calibration is running already\n".utf8))
        }
        return (.accepted, text, Array("leave the room: learning starts in \(seconds.countdown) s and takes \(seconds.duration) s\n".utf8))
    }

    /// `POST /zones`: the LD2450 zones drawn on the page (RadarZones' JSON), kept in `[state] dir` and used from
    /// the next report on.
    private func zones(_ request: HTTPRequestHead) -> Answer {
        let text = "text/plain; charset=utf-8"
        switch ZonesFile.decode(body) {
        case .failure(let problem): return (.badRequest, text, Array("\(problem.description)\n".utf8))
        case .success(let zones):
            actions.setZones(zones)
            return (.accepted, text, Array("\(zones.zones.count) zone(s) saved; in use from the next radar report\n".utf8))
        }
    }

    /// The body of `POST /calibrate`: a flat JSON object of at most two whole numbers.
    static func calibrationSeconds(_ body: [UInt8]) -> (countdown: Int, duration: Int)? {
        var countdown = 15, duration = 60
        let text = String(decoding: body, as: UTF8.self).filter { !$0.isWhitespace }
        guard text.isEmpty || (text.hasPrefix("{") && text.hasSuffix("}")) else { return nil }
        for pair in text.dropFirst().dropLast().split(separator: ",") {
            let kv = pair.split(separator: ":", maxSplits: 1)
            guard kv.count == 2, let value = Int(kv[1]) else { return nil }
            switch kv[0] {
            case #""countdown""#: countdown = value
            case #""duration""#: duration = value
            default: return nil
            }
        }
        guard (0...300).contains(countdown), (10...600).contains(duration) else { return nil }
        return (countdown, duration)
    }

    private func send(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, _ answer: Answer, extra: [(String, String)]) {
        var headers = Self.pageHeaders()
        headers.add(name: "Content-Type", value: answer.type)
        headers.add(name: "Content-Length", value: String(answer.body.count))
        for (name, value) in extra { headers.add(name: name, value: value) }
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: answer.status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: answer.body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Headers of every answer: the page's policy (it applies to what a browser renders, and costs nothing
    /// elsewhere), no sniffing of types, no referrer.
    static func pageHeaders() -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Security-Policy", value: SetupPage.contentSecurityPolicy)
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        return headers
    }

    /// `GET /live`: the response head, then the stream (LiveFeed) until the browser goes. It never ends by
    /// itself, so the connection is not reused for another request.
    private func startLive(context: ChannelHandlerContext, request: HTTPRequestHead, extra: [(String, String)]) {
        // A fixed send buffer (no autotuning up to megabytes): a browser that stops reading fills it and
        // NIO's queue within seconds, and is dropped (LiveFeed) instead of holding memory.
        _ = context.channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: Self.liveSendBuffer)
        var headers = Self.pageHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-store")
        for (name, value) in extra { headers.add(name: name, value: value) }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers))), promise: nil)
        // Tells the browser how long to wait before it reconnects after the daemon went (a restart).
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: "retry: 2000\n\n")))), promise: nil)
        live.add(context.channel)
    }

    private func healthResponse(_ path: String) -> Answer {
        let s = health.status()
        let good = switch path {
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
