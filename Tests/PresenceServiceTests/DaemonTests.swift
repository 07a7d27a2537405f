import Foundation
import PresenceTestSupport
import Testing
@testable import PresenceService

/// The real daemon, as a process: socket clients get `hello` then events,
/// `/metrics` passes promtool, SIGTERM exits 0 within 2 s.
@Suite(.serialized) struct DaemonTests {
    /// A daemon on its own socket and metrics port: by default replaying a simulated walk-through
    /// at 10x real time, or with the given source sections (live devices).
    final class RunningDaemon {
        let process = Process()
        let dir: URL
        let socketPath: String
        let metricsPort: Int
        /// The daemon's stderr, in a file so that a test can read it while the daemon runs.
        let logFile: URL
        let configPath: String

        /// `extra`: more sections for the config file (e.g. `[mqtt]`). `launcher`: a command that runs
        /// the daemon (its path and arguments follow), in the daemon's directory. `stderrIsJournal`: JOURNAL_STREAM names the log
        /// file, as systemd sets it when stderr is the journal. `unprivileged`: when the tests run as root,
        /// the daemon runs as nobody (as under systemd, User=presenced), from a copy of the binary in its
        /// directory (a checkout under /root is closed to others). `stateDir`: `[state] dir`, by default the
        /// daemon's own (so that no test takes up another's room); a restart test passes the one it keeps.
        init(sources: String? = nil, extra: String = "", environment: [String: String] = [:],
             launcher: [String] = [], stderrIsJournal: Bool = false, unprivileged: Bool = false, stateDir: String = "state") throws {
            dir = try TestSupport.temporaryDirectory("daemon")
            var sourceSections = sources ?? ""
            if sources == nil {
                let recording = dir.appendingPathComponent("walk.mcap").path
                let sim = try TestSupport.presenced("simulate", "--scene", "walk-through", "--duration", "30s", "--seed", "3", "--out", recording)
                guard sim.status == 0 else { throw TestFailure("simulate failed: \(sim.stderr)") }
                sourceSections = "[replay]\nfile = \"walk.mcap\"\nloop = true\nspeed = 10\n"
            }
            socketPath = dir.appendingPathComponent("run/events.sock").path
            metricsPort = TestSupport.freePort()
            let config = """
            \(sourceSections)
            [socket]
            path = "run/events.sock"
            group = ""
            [metrics]
            listen = "127.0.0.1:\(metricsPort)"
            [state]
            dir = "\(stateDir)"
            \(extra)
            """
            configPath = dir.appendingPathComponent("test.toml").path
            logFile = dir.appendingPathComponent("daemon.log")
            FileManager.default.createFile(atPath: logFile.path, contents: nil)
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            var binary = TestSupport.binary
            var launcher = launcher
            if unprivileged, getuid() == 0 {
                binary = dir.appendingPathComponent("presenced").path
                try FileManager.default.copyItem(atPath: TestSupport.binary, toPath: binary)
                for path in [dir.path, binary] + (try FileManager.default.contentsOfDirectory(atPath: dir.path)).map({ dir.appendingPathComponent($0).path }) {
                    chmod(path, path == dir.path ? 0o777 : 0o755)
                }
                launcher = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] + launcher
            }
            let command = launcher + [binary, "run", "--config", configPath]
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            if stderrIsJournal {
                var st = stat()
                guard stat(logFile.path, &st) == 0 else { throw TestFailure("stat \(logFile.path)") }
                env["JOURNAL_STREAM"] = "\(st.st_dev):\(st.st_ino)"
            }
            process.environment = env
            // Its own directory, so that a launcher may prepare paths relative to the configuration.
            process.currentDirectoryURL = dir
            process.standardError = try FileHandle(forWritingTo: logFile)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }

        var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

        /// Waits until the log contains `text`.
        func waitForLog(_ text: String, timeout: TimeInterval = 20) -> Bool {
            TestSupport.eventually(timeout: timeout) { log.contains(text) }
        }

        func connect(timeout: TimeInterval = 60) throws -> LineSocket {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let fd = WatchClient.connect(to: socketPath) { return LineSocket(fd: fd) }
                guard process.isRunning else { break }
                usleep(100_000)
            }
            throw TestFailure("could not connect to \(socketPath); daemon said: \(log)")
        }
    }

    /// Blocking line reader with a timeout per read. (Unchecked Sendable: a test hands it to one reading
    /// thread and does not touch it meanwhile.)
    final class LineSocket: @unchecked Sendable {
        let fd: Int32
        private var pending: [UInt8] = []

        init(fd: Int32) {
            self.fd = fd
            // Long enough for a degraded sensor's minute (DataLossMonitor.minimumDegraded) without other events.
            setReadTimeout(seconds: 90)
        }

        /// How long one `readLine` waits for data before it returns nil.
        func setReadTimeout(seconds: Int) {
            var tv = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        func readLine() -> String? {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                if let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<nl], as: UTF8.self)
                    pending.removeSubrange(...nl)
                    return line
                }
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return nil }
                pending += chunk[0..<n]
            }
        }
    }

    static func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func clientGetsHelloThenEventsAndMetricsPassPromtool() throws {
        let daemon = try RunningDaemon()
        let client = try daemon.connect()
        let hello = try #require(client.readLine())
        let h = Self.json(hello)
        #expect(h["type"] as? String == "hello" && h["protocol"] as? Int == 1, "\(hello)")
        let state = try #require(h["state"] as? [String: Any])
        #expect(state["occupied"] is Bool && state["confidence"] != nil && state["since"] != nil && state["sensors"] != nil)

        // At 10x, the person enters 10 s into the scene: about a second of wall time.
        var seqs: [Int] = []
        var sawOccupied = false
        while !sawOccupied, let line = client.readLine() {
            let e = Self.json(line)
            seqs.append(e["seq"] as? Int ?? -1)
            if e["type"] as? String == "occupancy", e["occupied"] as? Bool == true {
                sawOccupied = true
                #expect(e["t"] is Int && e["time"] is String && e["confidence"] != nil && e["sources"] is [String: Any], "\(line)")
            }
        }
        #expect(sawOccupied)
        #expect(seqs == Array(seqs.indices).map { seqs[0] + $0 }, "seq increases by one: \(seqs)")

        // A second client joining now is told the current state.
        let late = try daemon.connect()
        let lateHello = Self.json(try #require(late.readLine()))
        #expect((lateHello["state"] as? [String: Any])?["occupied"] as? Bool == true)

        let metrics = try Self.httpGet(port: daemon.metricsPort, path: "/metrics")
        for name in ["presence_occupied", "presence_confidence", "presence_transitions_total", "presence_sensor_up",
                     "presence_samples_total", "presence_samples_dropped_total", "presence_sensor_reconnects_total",
                     "presence_tick_duration_seconds_bucket", "presence_capture_delay_seconds_bucket", "presence_subscribers",
                     "presence_subscribers_dropped_total", "presence_build_info"] {
            #expect(metrics.contains("\n\(name)") || metrics.hasPrefix(name), "\(name) missing")
        }
        #expect(metrics.contains("presence_subscribers 2"))
        for path in ["/healthz", "/healthz/live", "/healthz/ready"] {
            #expect(try Self.httpGet(port: daemon.metricsPort, path: path) == "ok\n", "\(path)")
        }
        let promtool = try Self.promtoolCheck(metrics)
        #expect(promtool.status == 0, "promtool: \(promtool.stdoutText) \(promtool.stderr)")

        // SIGTERM: drain and exit 0 within 2 s.
        let start = Date()
        kill(daemon.process.processIdentifier, SIGTERM)
        while daemon.process.isRunning, Date().timeIntervalSince(start) < 5 { usleep(10_000) }
        let took = Date().timeIntervalSince(start)
        #expect(!daemon.process.isRunning && daemon.process.terminationStatus == 0, "status \(daemon.process.terminationStatus)")
        #expect(took < 2, "took \(took) s")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "socket file removed on exit")
    }

    /// systemd socket activation (`presenced.socket`): the listening socket arrives as descriptor 3 with
    /// LISTEN_FDS; systemd-socket-activate does what systemd does, starting the daemon at the first client.
    @Test func socketActivationServesTheInheritedSocketAndLeavesItToSystemd() throws {
        let dir = try TestSupport.temporaryDirectory()
        let demo = TestSupport.repoRoot.appendingPathComponent("Recordings/demo.mcap").path
        let config = dir.appendingPathComponent("c.toml").path
        try "[replay]\nfile = \"\(demo)\"\nloop = true\n[socket]\npath = \"unused/events.sock\"\ngroup = \"\"\n[metrics]\nlisten = \"\"\n[state]\ndir = \"state\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let socketPath = dir.appendingPathComponent("activated.sock").path
        let activator = Process()
        activator.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
        // It starts the daemon with a clean environment: the sanitizers' settings (make test-sanitize) are passed on.
        let passed = ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"].filter { ProcessInfo.processInfo.environment[$0] != nil }
        activator.arguments = ["--listen=\(socketPath)"] + passed.map { "--setenv=\($0)" } + [TestSupport.binary, "run", "--config", config]
        activator.standardOutput = FileHandle.nullDevice
        activator.standardError = FileHandle.nullDevice
        try activator.run()
        defer { if activator.isRunning { kill(activator.processIdentifier, SIGKILL) } }
        var fd: Int32?
        for _ in 0..<100 where fd == nil {
            fd = WatchClient.connect(to: socketPath)
            if fd == nil { usleep(50_000) }
        }
        let client = LineSocket(fd: try #require(fd, "systemd-socket-activate did not listen"))
        let hello = Self.json(try #require(client.readLine(), "no hello on the activated socket"))
        #expect(hello["type"] as? String == "hello")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("unused/events.sock").path),
                "socket.path is not bound when systemd passes the socket")
        kill(activator.processIdentifier, SIGTERM)
        activator.waitUntilExit()
        #expect(activator.terminationStatus == 0)
    }

    /// Another service failing (here the metrics port is taken) stops the daemon with its error, pipeline
    /// thread and all, instead of leaving it half up.
    @Test func aTakenMetricsPortExits74() throws {
        let (taken, port) = TestSupport.loopbackSocket()
        defer { close(taken) }
        listen(taken, 1)

        let dir = try TestSupport.temporaryDirectory()
        let demo = TestSupport.repoRoot.appendingPathComponent("Recordings/demo.mcap").path
        let config = dir.appendingPathComponent("c.toml").path
        try "[replay]\nfile = \"\(demo)\"\n[socket]\npath = \"e.sock\"\ngroup = \"\"\n[metrics]\nlisten = \"127.0.0.1:\(port)\"\n[state]\ndir = \"state\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let r = try TestSupport.presenced("run", "--config", config)
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.contains("metrics: cannot listen on 127.0.0.1:\(port)"), "\(r.stderr)")
    }

    static func promtoolCheck(_ text: String) throws -> TestSupport.Result {
        let file = try TestSupport.temporaryDirectory("promtool").appendingPathComponent("metrics.txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try TestSupport.run("/bin/sh", ["-c", "promtool check metrics < '\(file.path)'"])
    }

    /// A raw HTTP/1.0 request over loopback with the given headers and body (so the tests depend on nothing but
    /// the socket API): the status, the head and the body of the answer.
    static func httpRequest(port: Int, _ method: String, _ path: String, headers: [String] = [], body: String = "") throws
        -> (status: Int, head: String, body: String) {
        guard let fd = TestSupport.connectLoopback(port: port, within: 20) else { throw TestFailure("connect to port \(port) failed") }
        defer { close(fd) }
        let text = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n" + headers.map { $0 + "\r\n" }.joined()
            + (body.isEmpty ? "" : "Content-Length: \(body.utf8.count)\r\n") + "\r\n" + body
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response += chunk[0..<n]
        }
        let all = String(decoding: response, as: UTF8.self)
        guard let split = all.range(of: "\r\n\r\n") else { throw TestFailure("no HTTP response: \(all)") }
        let status = Int(all.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, String(all[..<split.lowerBound]), String(all[split.upperBound...]))
    }

    /// A GET that must answer 200: its body.
    static func httpGet(port: Int, path: String) throws -> String {
        let r = try httpRequest(port: port, "GET", path)
        guard r.status == 200 else { throw TestFailure("HTTP status: \(r.head.prefix(40))") }
        return r.body
    }
}

@Suite struct DaemonStartupTests {
    @Test func aMissingOrCorruptReplayFileStopsTheDaemonAtStart() throws {
        let dir = try TestSupport.temporaryDirectory()
        try Data("not an mcap".utf8).write(to: dir.appendingPathComponent("junk.mcap"))
        for (file, status) in [("absent.mcap", Int32(66)), ("junk.mcap", Int32(65))] {
            let config = dir.appendingPathComponent("c.toml").path
            try "[replay]\nfile = \"\(file)\"\n[socket]\npath = \"s.sock\"\ngroup = \"\"\n[metrics]\nlisten = \"\"\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            let r = try TestSupport.presenced("run", "--config", config)
            #expect(r.status == status, "\(file): \(r.stderr)")
            #expect(r.stderr.contains(file), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.sock").path))
        }
    }
}
