import Foundation
import PresenceCore
import PresenceRadar
import PresenceRecording
import PresenceTestSupport
import Synchronization
import Testing
@testable import PresenceService

/// presenced against the real Mosquitto broker (Debian's package) on loopback, read back with the real
/// `mosquitto_sub`: Home Assistant discovery, retained state, the last will, a broker restart.
@Suite(.serialized) struct MQTTTests {
    /// `mosquitto` on a free loopback port, without persistence: a restart forgets every retained message,
    /// as a broker whose disk was wiped would, so whatever is there afterwards presenced published again.
    final class RunningBroker {
        let port = TestSupport.freePort()
        let dir: URL
        private var process: Process?
        /// `mosquitto_pub`/`_sub` options that log in, when the broker wants a password.
        let login: [String]

        init(passwords: [String: String] = [:]) throws {
            dir = try TestSupport.temporaryDirectory("broker")
            login = passwords.first.map { ["-u", $0.key, "-P", $0.value] } ?? []
            var config = "listener \(port) 127.0.0.1\npersistence false\nlog_dest stderr\n"
            // As root it would switch to the mosquitto user, who may not read the test's files (RECIPES.md).
            if getuid() == 0 { config += "user root\n" }
            if passwords.isEmpty {
                config += "allow_anonymous true\n"
            } else {
                let file = dir.appendingPathComponent("passwords").path
                try "".write(toFile: file, atomically: true, encoding: .utf8)
                for (user, password) in passwords {
                    let r = try TestSupport.run("/usr/bin/mosquitto_passwd", ["-b", file, user, password])
                    guard r.status == 0 else { throw TestFailure("mosquitto_passwd: \(r.stderr)") }
                }
                config += "allow_anonymous false\npassword_file \(file)\n"
            }
            try config.write(to: dir.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
            try start()
        }

        deinit { stop() }

        var pid: Int32 { process?.processIdentifier ?? 0 }

        func start() throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
            p.arguments = ["-c", dir.appendingPathComponent("mosquitto.conf").path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            process = p
            // Listening once a client can connect.
            for _ in 0..<100 {
                if (try? TestSupport.run("/usr/bin/mosquitto_pub", ["-p", "\(port)", "-t", "probe", "-m", ""] + login))?.status == 0 { return }
                usleep(50_000)
            }
        }

        /// SIGKILL: a child of a test thread inherits its blocked SIGTERM, and mosquitto would never see one.
        func stop() {
            guard let p = process, p.isRunning else { return }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }

        /// The retained message on `topic`, or nil when there is none (a retained one arrives at once).
        func retained(_ topic: String) throws -> String? {
            let r = try TestSupport.run("/usr/bin/mosquitto_sub", ["-p", "\(port)", "-t", topic, "-C", "1", "-W", "2", "--retained-only"] + login)
            return r.status == 0 ? r.stdoutText.trimmingCharacters(in: .newlines) : nil
        }
    }

    /// `mosquitto_sub -v` on every topic, its lines ("topic payload") collected by a reader thread.
    final class Subscription: @unchecked Sendable {
        let process = Process()
        private let lines = Mutex<[String]>([])

        init(port: Int, topics: [String] = ["#"]) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
            process.arguments = ["-p", "\(port)", "-v"] + topics.flatMap { ["-t", $0] }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let handle = out.fileHandleForReading
            // Weakly: a reader holding the subscription would keep it (and its mosquitto_sub, killed in deinit)
            // alive after the test, an orphan per test run.
            Thread.detachNewThread { [weak self] in
                var pending = Data()
                while true {
                    let chunk = handle.availableData
                    guard !chunk.isEmpty, let self else { return }
                    pending += chunk
                    while let nl = pending.firstIndex(of: 0x0A) {
                        let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                        pending = Data(pending[(nl + 1)...])
                        self.lines.withLock { $0.append(line) }
                    }
                }
            }
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        var received: [String] { lines.withLock { $0 } }

        /// The payloads received on `topic`, in order.
        func payloads(_ topic: String) -> [String] {
            received.compactMap { $0.hasPrefix(topic + " ") ? String($0.dropFirst(topic.count + 1)) : nil }
        }

        @discardableResult
        func wait(timeout: TimeInterval = 30, until done: ([String]) -> Bool) -> Bool {
            TestSupport.eventually(timeout: timeout) { done(received) }
        }
    }

    static func mqttSection(port: Int, extra: String = "") -> String {
        "[mqtt]\nbroker = \"127.0.0.1:\(port)\"\nnode_id = \"den\"\nname = \"Den\"\ndiscovery_prefix = \"ha\"\nkeepalive = \"5s\"\n\(extra)"
    }

    static func stop(_ daemon: DaemonTests.RunningDaemon) -> (status: Int32, stderr: String) {
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        return (daemon.process.terminationStatus, daemon.log)
    }

    @Test func homeAssistantDiscoveryRetainedStateAndOfflineOnStop() throws {
        let broker = try RunningBroker()
        let sub = try Subscription(port: broker.port)
        let daemon = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port))

        // The walk-through scene at 10x: someone comes in 10 s into it, a second of wall time.
        let changes = "presenced/den/occupancy"
        #expect(sub.wait(timeout: 60) { _ in sub.payloads(changes) == ["OFF", "ON"] }, "\(sub.received)")
        let config = try #require(sub.payloads("ha/binary_sensor/den/occupancy/config").first)
        let discovery = try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])
        #expect(discovery["device_class"] as? String == "occupancy")
        #expect(discovery["state_topic"] as? String == changes)
        #expect(discovery["availability_topic"] as? String == "presenced/den/availability")
        #expect(discovery["json_attributes_topic"] as? String == "presenced/den/attributes")
        #expect(discovery["unique_id"] as? String == "presenced_den_occupancy")
        #expect((discovery["device"] as? [String: Any])?["name"] as? String == "Den")
        #expect(sub.payloads("presenced/den/availability") == ["online"])
        for sensor in ["camera", "audio", "radar"] {
            #expect(sub.payloads("presenced/den/sensor/\(sensor)").first == "ON", "\(sensor)")
            let d = try #require(sub.payloads("ha/binary_sensor/den/\(sensor)/config").first)
            #expect(d.contains("\"device_class\":\"connectivity\""))
        }
        // Occupancy is published on change only: never the same value twice in a row.
        let states = sub.payloads(changes)
        #expect(!states.isEmpty && zip(states, states.dropFirst()).allSatisfy { $0 != $1 }, "\(states)")
        let attributes = try #require(sub.payloads("presenced/den/attributes").last)
        #expect(attributes.contains("\"confidence\":") && attributes.contains("\"radar\":\"ok\""), "\(attributes)")

        // A newcomer (Home Assistant starting later) gets all of it at once: retained.
        #expect(try broker.retained("ha/binary_sensor/den/occupancy/config") == config)
        #expect(try broker.retained("presenced/den/availability") == "online")
        #expect(["ON", "OFF"].contains(try broker.retained(changes) ?? ""))

        let metrics = try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")
        #expect(metrics.contains("presence_mqtt_connected 1"))

        let (status, log) = Self.stop(daemon)
        #expect(status == 0, "\(log)")
        #expect(try broker.retained("presenced/den/availability") == "offline", "said goodbye: \(log)")
    }

    /// An LD2450 whose include zone someone walks into: Home Assistant gets the zone's own occupancy entity
    /// (drawn on the live page, kept in `[state] dir/zones.json`), OFF then ON.
    @Test func aZoneDrawnOnThePageIsAnOccupancyEntity() throws {
        let dir = try TestSupport.temporaryDirectory("zone-mqtt")
        // 30 s of an LD2450 at 10 Hz: nobody for 8 s, then someone who walks into the sofa zone and stands there.
        let recording = dir.appendingPathComponent("ld2450.mcap").path
        let writer = try RecordingWriter(path: recording, metadata: ["scene": "a person walks into the sofa zone"])
        let start: Int64 = 1_795_413_600_000_000_000
        let reports = Array(repeating: LD2450Targets([]), count: 80) + LD2450Walks.walkIn(to: [(0.2, 2.0)], reports: 220)
        for (k, targets) in reports.enumerated() {
            let t = start + Int64(k) * 100_000_000
            try writer.write(Sample(t: t, payload: .serial(SerialChunk(model: .ld2450, device: "/dev/ttyUSB0", bytes: LD2450Parser.encode(Array(targets))))))
        }
        try writer.finish()
        let state = dir.appendingPathComponent("state").path
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try #"{"zones":[{"kind":"include","name":"Sofa","xMin":-1,"xMax":1,"yMin":1,"yMax":3}]}"#
            .write(toFile: state + "/zones.json", atomically: true, encoding: .utf8)
        let broker = try RunningBroker()
        let sub = try Subscription(port: broker.port)
        let daemon = try DaemonTests.RunningDaemon(sources: "[replay]\nfile = \"\(recording)\"\nloop = false\nspeed = 4\n",
                                                   extra: Self.mqttSection(port: broker.port), stateDir: state)
        let zone = "presenced/den/zone/sofa"
        #expect(sub.wait(timeout: 60) { _ in sub.payloads(zone) == ["OFF", "ON"] }, "\(sub.received); \(daemon.log)")
        let config = try #require(sub.payloads("ha/binary_sensor/den/zone_sofa/config").first)
        #expect(config.contains(#""device_class":"occupancy""#) && config.contains(#""name":"Zone Sofa""#) && config.contains(zone))
    }

    /// As an unprivileged user, as under systemd (User=presenced): opening the connection must need no
    /// privilege. (A TCP option once set at the socket level became SO_DEBUG, which only root may set:
    /// every connection failed outside the tests, which run as root.)
    @Test func connectsAsAnUnprivilegedUser() throws {
        let broker = try RunningBroker()
        let sub = try Subscription(port: broker.port, topics: ["presenced/den/availability"])
        let daemon = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port), unprivileged: true)
        #expect(sub.wait { $0.contains("presenced/den/availability online") }, "\(daemon.log)")
        let (status, log) = Self.stop(daemon)
        #expect(status == 0, "\(log)")
        #expect(!log.contains("mqtt connection failed"), "\(log)")
    }

    /// Retries wait 1 s, 2 s, 4 s … (±20 %). (A pause that returned at once after the first one
    /// once made the daemon retry hundreds of times a second.)
    @Test func retriesBackOffWhileNoBrokerListens() throws {
        let port = TestSupport.freePort()  // nobody listens there
        let daemon = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: port))
        #expect(daemon.waitForLog("mqtt connection failed"))
        usleep(4_000_000)
        let attempts = daemon.log.components(separatedBy: "mqtt connection failed").count - 1
        // At about 0, 1 and 3 s; the fourth comes near 7 s.
        #expect((2...4).contains(attempts), "\(attempts) attempts in 4 s: \(daemon.log)")
        _ = Self.stop(daemon)
    }

    @Test func theBrokerSaysOfflineThroughTheLastWillWhenTheDaemonDies() throws {
        let broker = try RunningBroker()
        let sub = try Subscription(port: broker.port, topics: ["presenced/den/availability"])
        let daemon = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port))
        #expect(sub.wait { $0.contains("presenced/den/availability online") })
        kill(daemon.process.processIdentifier, SIGKILL)
        #expect(sub.wait(timeout: 10) { $0.last == "presenced/den/availability offline" }, "\(sub.received)")
        #expect(try broker.retained("presenced/den/availability") == "offline")
    }

    @Test func afterABrokerRestartEverythingIsPublishedAgain() throws {
        let broker = try RunningBroker()
        let daemon = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port))
        let first = try Subscription(port: broker.port)
        #expect(first.wait { _ in !first.payloads("presenced/den/occupancy").isEmpty })

        broker.stop()  // forgets every retained message
        usleep(1_500_000)  // the daemon's first retry (after about 1 s) finds nobody
        try broker.start()
        let second = try Subscription(port: broker.port)
        #expect(second.wait(timeout: 20) { _ in
            !second.payloads("ha/binary_sensor/den/occupancy/config").isEmpty && second.payloads("presenced/den/availability") == ["online"]
                && !second.payloads("presenced/den/occupancy").isEmpty && !second.payloads("presenced/den/sensor/radar").isEmpty
        }, "after the restart: \(second.received)")
        let metrics = try DaemonTests.httpGet(port: daemon.metricsPort, path: "/metrics")
        #expect(metrics.contains("presence_mqtt_connected 1"))
        let (status, log) = Self.stop(daemon)
        #expect(status == 0)
        #expect(log.contains("mqtt connection lost") && log.contains("mqtt reconnecting"), "\(log)")
    }

    /// A broker that stops answering (a half-open connection: the process frozen, the host gone) is noticed
    /// by the keep-alive ping, and the daemon is back once the broker is.
    @Test func aSilentBrokerIsNoticedByTheKeepAliveAndRejoined() throws {
        let broker = try RunningBroker()
        let daemon = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port).replacingOccurrences(of: "\"5s\"", with: "\"1s\""))
        let sub = try Subscription(port: broker.port, topics: ["presenced/den/availability"])
        #expect(sub.wait { $0 == ["presenced/den/availability online"] })
        kill(broker.pid, SIGSTOP)
        usleep(3_500_000)  // pings at 1 s and 2 s unanswered: the connection is given up
        kill(broker.pid, SIGCONT)
        // The old connection's will says offline, then the new connection says online.
        #expect(sub.wait(timeout: 20) { $0.suffix(2) == ["presenced/den/availability offline", "presenced/den/availability online"] }, "\(sub.received)")
        let (_, log) = Self.stop(daemon)
        #expect(log.contains("no PINGRESP within the keep-alive period"), "\(log)")
    }

    /// SIGHUP turns MQTT on, moves it to another node id (the old one says offline), and turns it off.
    @Test func aReloadTurnsMQTTOnMovesItAndTurnsItOff() throws {
        let broker = try RunningBroker()
        let sub = try Subscription(port: broker.port, topics: ["presenced/+/availability"])
        let daemon = try DaemonTests.RunningDaemon()
        _ = try daemon.connect()
        let original = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        func reload(_ text: String) throws {
            try text.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
            kill(daemon.process.processIdentifier, SIGHUP)
        }
        try reload(original + Self.mqttSection(port: broker.port))
        #expect(sub.wait { $0 == ["presenced/den/availability online"] }, "\(sub.received)")
        try reload(original + Self.mqttSection(port: broker.port).replacingOccurrences(of: "\"den\"", with: "\"attic\""))
        #expect(sub.wait { $0.suffix(2) == ["presenced/den/availability offline", "presenced/attic/availability online"] }, "\(sub.received)")
        try reload(original)
        #expect(sub.wait { $0.last == "presenced/attic/availability offline" }, "\(sub.received)")
        #expect(daemon.log.contains("mqtt turned off"))
        _ = Self.stop(daemon)
    }

    @Test func homeAssistantComingOnlineGetsTheDiscoveryAgain() throws {
        let broker = try RunningBroker()
        let sub = try Subscription(port: broker.port, topics: ["ha/binary_sensor/den/occupancy/config"])
        let daemon = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port))
        #expect(sub.wait { $0.count == 1 })
        let r = try TestSupport.run("/usr/bin/mosquitto_pub", ["-p", "\(broker.port)", "-t", "ha/status", "-m", "online"])
        #expect(r.status == 0)
        #expect(sub.wait(timeout: 10) { $0.count == 2 }, "\(sub.received)")
        _ = Self.stop(daemon)
    }

    @Test func wrongCredentialsAreRefusedAndSaidSoRightOnesConnect() throws {
        let broker = try RunningBroker(passwords: ["presenced": "s3cret"])
        let wrong = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port, extra: "username = \"presenced\"\npassword = \"nope\"\n"))
        let right = try DaemonTests.RunningDaemon(extra: Self.mqttSection(port: broker.port, extra: "username = \"presenced\"\npassword = \"s3cret\"\n"))
        var online: String?
        for _ in 0..<100 where online != "online" {
            online = try broker.retained("presenced/den/availability")
            if online != "online" { usleep(100_000) }
        }
        #expect(online == "online")
        let (_, log) = Self.stop(wrong)
        #expect(log.contains("not authorised") || log.contains("bad user name or password"), "\(log)")
        #expect(log.contains("mqtt reconnecting"))
        _ = Self.stop(right)
    }
}
