import Foundation
import NIOCore
import NIOEmbedded
import PresenceCore
import PresenceRecording
import PresenceTestSupport
import Testing
@testable import PresenceService

/// The live page on the metrics listener (DESIGN.md §9), against the real daemon replaying a walk-through:
/// the page and its policy, and the event stream's ticks and events.
@Suite(.serialized) struct LivePageTests {
    /// The raw HTTP/1.0 exchange: head and body apart (HTTP/1.0: no chunked framing of the stream).
    final class HTTPStream {
        let fd: Int32
        private(set) var head = ""
        private var pending: [UInt8] = []

        init(port: Int, path: String, receiveBuffer: Int32? = nil) throws {
            guard let fd = TestSupport.connectLoopback(port: port, within: 20) else { throw TestFailure("connect to \(port) failed") }
            self.fd = fd
            if var size = receiveBuffer {
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            }
            var tv = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }

        deinit { close(fd) }

        /// Reads until `"\r\n\r\n"`: the response head.
        func readHead() throws -> String {
            while true {
                if let end = Self.find(Array("\r\n\r\n".utf8), in: pending) {
                    head = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeSubrange(..<(end + 4))
                    return head
                }
                guard fill() else { throw TestFailure("no HTTP head: \(String(decoding: pending, as: UTF8.self))") }
            }
        }

        /// The next server-sent event: its `event:` name (nil for a plain message) and its `data:`.
        func nextEvent() -> (name: String?, data: String)? {
            while true {
                if let end = Self.find(Array("\n\n".utf8), in: pending) {
                    let block = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeSubrange(..<(end + 2))
                    var name: String?, data: String?
                    for line in block.split(separator: "\n") {
                        if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                        if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                    }
                    if let data { return (name, data) }
                    continue  // retry:, a keep-alive comment
                }
                guard fill() else { return nil }
            }
        }

        /// Everything up to the end (a response with a length, then the close of HTTP/1.0).
        func readBody() -> String {
            while fill() {}
            return String(decoding: pending, as: UTF8.self)
        }

        private func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return false }
            pending += chunk[0..<n]
            return true
        }

        static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
            guard hay.count >= needle.count else { return nil }
            for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            return nil
        }
    }

    static func header(_ name: String, in head: String) -> String? {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    @Test func thePageComesFromTheDaemonAloneUnderAStrictPolicy() throws {
        let daemon = try DaemonTests.RunningDaemon()
        _ = try daemon.connect()
        for (path, type) in [("/", "text/html"), ("/setup.js", "text/javascript"), ("/setup.css", "text/css")] {
            let page = try HTTPStream(port: daemon.metricsPort, path: path)
            let head = try page.readHead()
            let body = page.readBody()
            #expect(head.hasPrefix("HTTP/1.0 200"), "\(path): \(head)")
            #expect(Self.header("Content-Type", in: head)?.hasPrefix(type) == true, "\(path): \(head)")
            let policy = try #require(Self.header("Content-Security-Policy", in: head), "\(path)")
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe"))
            #expect(Self.header("X-Content-Type-Options", in: head) == "nosniff")
            // No outside URL: the device has no internet.
            #expect(!body.contains("http://") && !body.contains("https://") && !body.contains("//cdn"), "\(path)")
            if path == "/" {
                #expect(body.contains(#"id="room" data-state="vacant""#))
                #expect(body.contains(#"<script src="/setup.js""#) && !body.contains("<script>"), "no inline script: the policy forbids it")
            }
        }
    }

    @Test func theStreamSendsTicksAtFiveHertzAndTheSocketsEvents() throws {
        // The walk-through at 10x: someone comes in at 10 s of sample time, about a second after the start.
        let daemon = try DaemonTests.RunningDaemon()
        let socket = try daemon.connect()
        _ = socket.readLine()  // hello
        let live = try HTTPStream(port: daemon.metricsPort, path: "/live")
        let head = try live.readHead()
        #expect(Self.header("Content-Type", in: head)?.hasPrefix("text/event-stream") == true, "\(head)")
        var ticks: [[String: Any]] = [], events: [(String, [String: Any])] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !events.contains(where: { $0.0 == "occupancy" && $0.1["occupied"] as? Bool == true }) {
            guard let e = live.nextEvent() else { break }
            let json = DaemonTests.json(e.data)
            if let name = e.name { events.append((name, json)) } else { ticks.append(json) }
        }
        let occupied = try #require(events.first { $0.0 == "occupancy" }, "no occupancy event in \(ticks.count) ticks")
        // As the socket says it: type, seq, t, occupied, confidence, sources.
        #expect(occupied.1["type"] as? String == "occupancy" && occupied.1["seq"] is Int && occupied.1["sources"] is [String: Any])
        let first = try #require(ticks.first)
        for key in ["t", "p", "occupied", "sources", "sensors", "camera", "audio", "radar"] {
            #expect(first[key] != nil, "tick without \(key): \(first)")
        }
        #expect((first["sensors"] as? [String: String])?["radar"] == "ok")
        #expect((first["audio"] as? [String: Any])?["sound"] is [String: Any])
        // The mask, never the picture (without [web] camera_preview).
        #expect(ticks.contains { ($0["camera"] as? [String: Any])?["mask"] is [String: Any] })
        #expect(ticks.allSatisfy { ($0["camera"] as? [String: Any])?["preview"] == nil })
        // At most 5 Hz of sample time (the replay runs at 10x: 50 a second of wall time).
        let times = ticks.compactMap { $0["t"] as? Int64 ?? ($0["t"] as? Int).map(Int64.init) }
        #expect(times.count == ticks.count && ticks.count > 5)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 >= 200_000_000 || $1 < $0 }, "\(times.prefix(20))")
        let metrics = try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")
        #expect(metrics.contains("presence_live_clients 1"), "\(metrics.split(separator: "\n").filter { $0.contains("live") })")
    }

    @Test func aBrowserThatStopsReadingIsDroppedAndThePipelineGoesOn() throws {
        let daemon = try DaemonTests.RunningDaemon()
        _ = try daemon.connect()
        let stalled = try HTTPStream(port: daemon.metricsPort, path: "/live", receiveBuffer: 2048)
        _ = try stalled.readHead()
        func metric(_ name: String) -> Double? {
            (try? DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")).flatMap { PrometheusText.value(of: name, in: $0) }
        }
        let ticksBefore = metric("presence_tick_duration_seconds_count") ?? 0
        #expect(TestSupport.eventually(timeout: 60) { (metric("presence_live_clients_dropped_total") ?? 0) >= 1 },
                "a browser that reads nothing was not dropped")
        #expect((metric("presence_live_clients") ?? -1) == 0)
        #expect((metric("presence_tick_duration_seconds_count") ?? 0) > ticksBefore + 50, "the pipeline stopped")
    }

    /// With `[web] token`, every request carries it: a header, the cookie, or the page's `?token=` once
    /// (which sets the cookie). Without it: 401, for the page, its stream and the metrics alike.
    @Test func aTokenIsAskedOfEveryRequest() throws {
        let daemon = try DaemonTests.RunningDaemon(extra: "[web]\ntoken = \"s3cret-token\"\n")
        _ = try daemon.connect()
        let port = daemon.metricsPort
        for path in ["/", "/live", "/metrics", "/setup.js", "/healthz"] {
            #expect(try DaemonTests.httpRequest(port: port, "GET", path).status == 401, "\(path)")
            #expect(try DaemonTests.httpRequest(port: port, "GET", path, headers: ["Authorization: Bearer wrong"]).status == 401, "\(path)")
            #expect(try DaemonTests.httpRequest(port: port, "GET", path, headers: ["Cookie: presenced_token=s3cret-toke"]).status == 401)
        }
        let metrics = try DaemonTests.httpRequest(port: port, "GET", "/metrics", headers: ["Authorization: Bearer s3cret-token"])
        #expect(metrics.status == 200 && metrics.body.contains("presence_occupied"))
        let page = try DaemonTests.httpRequest(port: port, "GET", "/?token=s3cret-token")
        #expect(page.status == 200)
        #expect(Self.header("Set-Cookie", in: page.head)?.hasPrefix("presenced_token=s3cret-token; Path=/; HttpOnly; SameSite=Strict") == true,
                "\(page.head)")
        #expect(try DaemonTests.httpRequest(port: port, "GET", "/setup.js", headers: ["Cookie: a=b; presenced_token=s3cret-token"]).status == 200)
        // A listener others can reach needs a token; with one, the configuration is good.
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("open.toml").path
        try "[metrics]\nlisten = \"0.0.0.0:9468\"\n[web]\ntoken = \"abc\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try TestSupport.presenced("check-config", file).status == 0)
    }

    /// `POST /label` from the page: refused from another origin (403), without the flight recorder (409), and
    /// otherwise a label in the clip it opens, ready for `presenced train`.
    @Test func aLabelFromThePageGoesIntoAClip() throws {
        let origin = { (port: Int) in "Origin: http://127.0.0.1:\(port)" }
        let off = try DaemonTests.RunningDaemon()
        _ = try off.connect()
        let json = "{\"occupied\": false}"
        #expect(try DaemonTests.httpRequest(port: off.metricsPort, "POST", "/label", headers: [origin(off.metricsPort)], body: json).status == 409)
        let daemon = try DaemonTests.RunningDaemon(extra: "[recording]\ndir = \"clips\"\nflight_recorder = \"3s\"\nclip_after = \"2s\"\n")
        _ = try daemon.connect()
        let port = daemon.metricsPort
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/label", body: json).status == 403, "no Origin")
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/label", headers: ["Origin: http://evil.example"], body: json).status == 403)
        #expect(try DaemonTests.httpRequest(port: port, "GET", "/label").status == 405)
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/label", headers: [origin(port)], body: "{\"occupied\":1}").status == 400)
        let huge = "{\"occupied\":false" + String(repeating: " ", count: 5000) + "}"
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/label", headers: [origin(port)], body: huge).status == 413)
        let answer = try DaemonTests.httpRequest(port: port, "POST", "/label", headers: [origin(port)], body: json)
        #expect(answer.status == 202, "\(answer)")
        let clips = daemon.dir.appendingPathComponent("clips").path
        var labelled: [String] = []
        #expect(TestSupport.eventually(timeout: 30) {
            labelled = ((try? FileManager.default.contentsOfDirectory(atPath: clips)) ?? []).filter { $0.hasSuffix("-labelled-empty.mcap") }
            return !labelled.isEmpty
        }, "no labelled clip in \(clips): \(daemon.log)")
        guard let name = labelled.first else { return }
        let reader = try RecordingReader(path: clips + "/" + name)
        var labels: [OccupancyLabel] = []
        while let m = try reader.next() { if case .label(let l) = m.content { labels.append(l) } }
        #expect(labels.count == 1 && labels.first?.occupied == false && labels.first?.condition == "live-page", "\(labels)")
    }

    /// `POST /calibrate` from the page: a countdown, then the radar's empty room learned inside the running daemon,
    /// applied at once, kept in `[state] dir` and taken up again after a restart. Refused from another origin,
    /// with a bad body, and while one runs.
    @Test func aCalibrationFromThePageIsAppliedAndKept() throws {
        let dir = try TestSupport.temporaryDirectory("calibrate")
        let recording = dir.appendingPathComponent("empty.mcap").path
        let sim = try TestSupport.presenced("simulate", "--scene", "empty", "--duration", "60s", "--seed", "5", "--out", recording)
        try #require(sim.status == 0, "\(sim.stderr)")
        let state = dir.appendingPathComponent("state").path
        let sources = "[replay]\nfile = \"\(recording)\"\nloop = true\nspeed = 10\n"
        let daemon = try DaemonTests.RunningDaemon(sources: sources, stateDir: state)
        _ = try daemon.connect()
        let port = daemon.metricsPort, origin = "Origin: http://127.0.0.1:\(port)"
        let body = "{\"countdown\": 2, \"duration\": 10}"
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/calibrate", headers: ["Origin: http://evil.example"], body: body).status == 403)
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/calibrate", headers: [origin], body: "{\"duration\": 5}").status == 400)
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/calibrate", headers: [origin], body: "{\"size\": 5}").status == 400)
        let live = try HTTPStream(port: port, path: "/live")
        _ = try live.readHead()
        let started = try DaemonTests.httpRequest(port: port, "POST", "/calibrate", headers: [origin], body: body)
        #expect(started.status == 202, "\(started)")
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/calibrate", headers: [origin], body: body).status == 409, "one at a time")
        var phases: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, phases.last != "done", phases.last != "failed", let e = live.nextEvent() {
            guard e.name == nil, let c = DaemonTests.json(e.data)["calibration"] as? [String: Any], let phase = c["phase"] as? String else { continue }
            if phases.last != phase { phases.append(phase) }
        }
        #expect(phases == ["countdown", "learning", "done"], "\(phases); \(daemon.log)")
        let file = state + "/radar-calibration.json"
        #expect(FileManager.default.fileExists(atPath: file))
        var age = -1.0
        #expect(TestSupport.eventually(timeout: 20) {
            age = PrometheusText.value(of: "presence_calibration_age_seconds", in: (try? DaemonTests.httpGet(port: port, path: "/metrics")) ?? "") ?? -1
            return age >= 0 && age < 60
        }, "\(age)")
        // After a restart the page's calibration is taken up (there is no [radar] calibration to prefer).
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        let again = try DaemonTests.RunningDaemon(sources: sources, stateDir: state)
        _ = try again.connect()
        #expect(again.waitForLog("radar calibration from the live page taken up"), "\(again.log)")
        #expect(TestSupport.eventually(timeout: 20) {
            let after = (try? DaemonTests.httpGet(port: again.metricsPort, path: "/metrics")) ?? ""
            return (PrometheusText.value(of: "presence_calibration_age_seconds", in: after) ?? -1) >= 0
        }, "the calibration's age is not exported after the restart")
    }

    /// With `[web] camera_preview = true` the page gets the picture too, small and grey.
    @Test func thePictureOnlyWithCameraPreview() throws {
        let daemon = try DaemonTests.RunningDaemon(extra: "[web]\ncamera_preview = true\n")
        _ = try daemon.connect()
        let live = try HTTPStream(port: daemon.metricsPort, path: "/live")
        _ = try live.readHead()
        var preview: [String: Any]?
        for _ in 0..<50 {
            guard let e = live.nextEvent() else { break }
            if e.name == nil, let p = (DaemonTests.json(e.data)["camera"] as? [String: Any])?["preview"] as? [String: Any] {
                preview = p
                break
            }
        }
        #expect(preview?["w"] as? Int == 80 && preview?["h"] as? Int == 60 && (preview?["pixels"] as? String)?.count == 6400,
                "\(String(describing: preview))")
    }

    /// `POST /zones`: the zones drawn on the page, checked (400 with the reason), kept in `[state] dir`, served by
    /// `GET /zones`, and there again after a restart. Refused from another origin.
    @Test func zonesFromThePageAreKeptAndServed() throws {
        let state = try TestSupport.temporaryDirectory("zones").appendingPathComponent("state").path
        let daemon = try DaemonTests.RunningDaemon(stateDir: state)
        _ = try daemon.connect()
        let port = daemon.metricsPort, origin = "Origin: http://127.0.0.1:\(port)"
        let zones = #"{"zones":[{"kind":"exclude","name":"fan","xMin":0.5,"xMax":1,"yMin":2,"yMax":2.5}],"range":4.5}"#
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/zones", headers: ["Origin: http://evil.example"], body: zones).status == 403)
        let bad = try DaemonTests.httpRequest(port: port, "POST", "/zones", headers: [origin], body: #"{"zones":[],"range":-1}"#)
        #expect(bad.status == 400 && bad.body.contains("range"), "\(bad)")
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/zones", headers: [origin], body: "[1,2]").status == 400)
        #expect(try DaemonTests.httpRequest(port: port, "POST", "/zones", headers: [origin], body: zones).status == 202)
        let served = try DaemonTests.httpRequest(port: port, "GET", "/zones")
        #expect(served.status == 200 && served.body.contains(#""name":"fan""#) && served.body.contains(#""range":4.5"#), "\(served)")
        #expect(TestSupport.eventually(timeout: 20) { FileManager.default.fileExists(atPath: state + "/zones.json") })
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        let again = try DaemonTests.RunningDaemon(stateDir: state)
        _ = try again.connect()
        let after = try DaemonTests.httpRequest(port: again.metricsPort, "GET", "/zones")
        #expect(after.body == served.body, "\(after.body)")
    }

    /// Headless Chromium (Debian's package; `scripts/deps.sh test` installs it) on the page while the daemon
    /// replays a walk-through at twice real time: the room's element goes from vacant to occupied, the gate
    /// bars, the mask and the timeline are drawn and move, a click labels the moment, no error and no policy
    /// violation in the browser.
    /// The screenshots stay in .build/live-page/ for a person to look at (scripts/browser/live_page_check.py).
    @Test func aRealBrowserSeesTheRoomChange() throws {
        let dir = try TestSupport.temporaryDirectory("browser")
        let recording = dir.appendingPathComponent("walk.mcap").path
        let sim = try TestSupport.presenced("simulate", "--scene", "walk-through", "--duration", "30s", "--seed", "3", "--out", recording)
        try #require(sim.status == 0, "\(sim.stderr)")
        let daemon = try DaemonTests.RunningDaemon(sources: "[replay]\nfile = \"\(recording)\"\nloop = true\nspeed = 2\n",
                                                   extra: "[recording]\ndir = \"clips\"\nflight_recorder = \"3s\"\n")
        _ = try daemon.connect()
        _ = try DaemonTests.httpRequest(port: daemon.metricsPort, "GET", "/setup.css")  // the listener is up
        let shots = TestSupport.repoRoot.appendingPathComponent(".build/live-page").path
        let check = try TestSupport.run("/usr/bin/python3", [
            TestSupport.repoRoot.appendingPathComponent("scripts/browser/live_page_check.py").path,
            "http://127.0.0.1:\(daemon.metricsPort)/", shots, "--timeout", "60",
        ])
        #expect(check.status == 0, "\(check.stdoutText)\n\(check.stderr)")
        #expect(FileManager.default.fileExists(atPath: shots + "/live-page-occupied.png"))
    }

    /// Without a browser the tick's JSON is never made; with one, at most every 200 ms of sample time.
    @Test func nothingIsBuiltWithoutABrowser() throws {
        let feed = LiveFeed()
        var built = 0
        for k in 0..<50 { feed.offerTick(t: Int64(k) * 100_000_000) { built += 1; return "{}" } }
        #expect(built == 0 && !feed.isWatched)
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        feed.add(channel)
        #expect(feed.isWatched)
        for k in 0..<50 { feed.offerTick(t: Int64(k) * 100_000_000) { built += 1; return "{}" } }
        #expect(built == 25)
        _ = try channel.close().wait()
        channel.embeddedEventLoop.run()
        #expect(!feed.isWatched)
    }

    @Test func aFrameIsOneEventWithItsName() {
        #expect(LiveFeed.frame(event: nil, data: "{\"p\":1}") == "data: {\"p\":1}\n\n")
        #expect(LiveFeed.frame(event: "sensor", data: "{}") == "event: sensor\ndata: {}\n\n")
    }
}
