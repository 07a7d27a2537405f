import Foundation
import PresenceCore
import PresenceDSP
import PresencePipeline
import TOMLKit

/// Reads and validates a presenced TOML file. Unknown keys, wrong types and bad
/// values are errors: a typo in a config must never pass silently.
public enum ConfigLoader {
    public static func load(path: String) throws(ConfigError) -> PresenceConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, key: "", message: "cannot read the file (does it exist, and may this user read it?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "", message: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> PresenceConfig {
        if let bad = TableHeaderCheck.firstBadHeader(in: text) {
            throw ConfigError(file: path, key: "", message: "invalid TOML at line \(bad.line): a table header must start with a key, saw '\(bad.found)'")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigError(file: path, key: "", message: "invalid TOML at line \(e.source.begin.line): \(e.description)")
        } catch {
            throw ConfigError(file: path, key: "", message: "invalid TOML: \(error)")
        }
        // Relative paths in the file are resolved against its directory, made absolute so
        // that nothing later depends on the daemon's working directory.
        let directory = (path as NSString).deletingLastPathComponent
        let baseDir = directory.hasPrefix("/") ? directory
            : ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory) as NSString).standardizingPath
        var config = PresenceConfig()
        config.sourcePath = path
        for key in root.keys.sorted() {
            guard let table = root[key]?.table else {
                throw ConfigError(file: path, key: key, message: "expected a [\(key)] section, got a \(root[key]!.type) value; known sections: \(Section.allNames)")
            }
            let r = TableReader(file: path, section: key, table: table, baseDir: baseDir)
            switch Section(rawValue: key) {
            case .camera: config.camera = try readCamera(r)
            case .audio: config.audio = try readAudio(r)
            case .radar: config.radar = try readRadar(r)
            case .replay: config.replay = try readReplay(r)
            case .fusion: config.fusion = try readFusion(r)
            case .socket: config.socket = try readSocket(r)
            case .metrics: config.metrics = try readMetrics(r)
            case .web: config.web = try readWeb(r)
            case .mqtt: config.mqtt = try readMQTT(r)
            case .recording: config.recording = try readRecording(r)
            case .log: config.log = try readLog(r)
            case .state: config.state = try readState(r)
            case nil: throw ConfigError(file: path, key: key, message: "unknown section; known sections: \(Section.allNames)")
            }
        }
        if config.fusion.offThreshold > config.fusion.onThreshold {
            throw ConfigError(file: path, key: "fusion.off_threshold",
                              message: "expected a value not above fusion.on_threshold (\(config.fusion.onThreshold)), got \(config.fusion.offThreshold)")
        }
        if let address = ListenAddress(config.metrics.listen), !address.isLoopback, config.web.token.isEmpty {
            throw ConfigError(file: path, key: "web.token", message: """
                required when [metrics] listen ("\(config.metrics.listen)") is not a loopback address: anyone who \
                can reach it could watch the room and change its setup; set a long random token (e.g. \
                `openssl rand -hex 16`)
                """)
        }
        return config
    }

    enum Section: String, CaseIterable {
        case camera, audio, radar, replay, fusion, socket, metrics, web, mqtt, recording, log, state
        static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    private static func readCamera(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Camera {
        try r.allowOnly(["device", "width", "height", "fps"])
        var c = PresenceConfig.Camera()
        c.device = try r.string("device", nonEmpty: true) ?? c.device
        c.width = try r.int("width", in: 16...4096) ?? c.width
        c.height = try r.int("height", in: 16...4096) ?? c.height
        c.fps = try r.int("fps", in: 1...120) ?? c.fps
        return c
    }

    private static func readAudio(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Audio {
        try r.allowOnly(["device", "rate"])
        var a = PresenceConfig.Audio()
        a.device = try r.string("device", nonEmpty: true) ?? a.device
        a.rate = try r.int("rate", in: 8000...192_000) ?? a.rate
        return a
    }

    private static func readRadar(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Radar {
        try r.allowOnly(["device", "model", "baud", "calibration"])
        var c = PresenceConfig.Radar()
        c.device = try r.string("device", nonEmpty: true) ?? c.device
        if let m = try r.string("model") {
            guard let model = RadarModel(rawValue: m) else {
                throw r.error("model", "expected one of \(RadarModel.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(m)\"")
            }
            c.model = model
        }
        c.baud = try r.int("baud", in: 1200...4_000_000) ?? c.baud
        // Read and checked here, whole: a file that cannot be used stops the start (or the reload) with its reason,
        // and nothing of it is applied.
        if let path = try r.path("calibration"), !path.isEmpty {
            c.calibration = path
            let sensor: RadarCalibration.Sensor = switch c.model {
            case .ld2410: .ld2410
            case .ld2450: .ld2450
            }
            do {
                c.calibrationFile = try RadarCalibrationFile.read(path, for: sensor)
            } catch {
                throw r.error("calibration", error.description)
            }
        }
        return c
    }

    private static func readReplay(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Replay {
        try r.allowOnly(["file", "loop", "speed"])
        var c = PresenceConfig.Replay()
        c.file = try r.path("file") ?? c.file
        c.loop = try r.bool("loop") ?? c.loop
        c.speed = try r.double("speed", in: 0...10_000) ?? c.speed
        return c
    }

    private static func readFusion(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Fusion {
        try r.allowOnly(["model", "on_threshold", "off_threshold", "on_latency", "hold", "hold_breathing", "hold_breathing_amplitude", "hold_voice", "hold_extension", "sound_alone_below", "restore_within"])
        var c = PresenceConfig.Fusion()
        c.model = try r.path("model") ?? c.model
        c.onThreshold = try r.double("on_threshold", in: 0...1) ?? c.onThreshold
        c.offThreshold = try r.double("off_threshold", in: 0...1) ?? c.offThreshold
        c.onLatency = try r.duration("on_latency", max: 60 * Nanos.perSecond) ?? c.onLatency
        c.hold = try r.duration("hold", max: 24 * 3600 * Nanos.perSecond) ?? c.hold
        c.holdBreathing = try r.double("hold_breathing", in: 0...1) ?? c.holdBreathing
        c.holdBreathingAmplitude = try r.double("hold_breathing_amplitude", in: 0...100) ?? c.holdBreathingAmplitude
        c.holdVoice = try r.double("hold_voice", in: 0...1) ?? c.holdVoice
        c.soundAloneBelow = try r.double("sound_alone_below", in: 0...1) ?? c.soundAloneBelow
        c.holdExtension = try r.duration("hold_extension", max: 24 * 3600 * Nanos.perSecond) ?? c.holdExtension
        c.restoreWithin = try r.duration("restore_within", max: 24 * 3600 * Nanos.perSecond) ?? c.restoreWithin
        return c
    }

    private static func readSocket(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Socket {
        try r.allowOnly(["path", "mode", "group"])
        var c = PresenceConfig.Socket()
        c.path = try r.path("path") ?? c.path
        if let m = try r.string("mode") {
            guard m.count >= 3, m.count <= 4, let v = UInt32(m, radix: 8), v <= 0o777 else {
                throw r.error("mode", "expected an octal permission string such as \"0660\", got \"\(m)\"")
            }
            c.mode = v
        }
        c.group = try r.string("group") ?? c.group
        return c
    }

    private static func readMetrics(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Metrics {
        try r.allowOnly(["listen"])
        var c = PresenceConfig.Metrics()
        if let l = try r.string("listen") {
            guard l.isEmpty || ListenAddress(l) != nil else {
                throw r.error("listen", "expected \"host:port\" (e.g. \"127.0.0.1:9468\", \"[::1]:9468\") or \"\" to disable, got \"\(l)\"")
            }
            c.listen = l
        }
        return c
    }

    private static func readWeb(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Web {
        try r.allowOnly(["token", "camera_preview"])
        var c = PresenceConfig.Web()
        if let t = try r.string("token") {
            guard t.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != ";" && $0 != "," }) else {
                throw r.error("token", "expected printable ASCII without spaces, commas or semicolons (it travels in a header and a cookie)")
            }
            c.token = t
        }
        if let p = try r.bool("camera_preview") { c.cameraPreview = p }
        return c
    }

    private static func readMQTT(_ r: TableReader) throws(ConfigError) -> PresenceConfig.MQTT {
        try r.allowOnly(["broker", "node_id", "name", "client_id", "username", "password", "topic_prefix", "discovery_prefix", "keepalive"])
        var c = PresenceConfig.MQTT()
        if let b = try r.string("broker") {
            guard let address = ListenAddress(b), address.port > 0 else {
                throw r.error("broker", "expected \"host:port\" of an MQTT broker (e.g. \"127.0.0.1:1883\"), got \"\(b)\"")
            }
            c.broker = address
        }
        // Ids and prefixes become topic levels: no wildcards, separators or spaces in them.
        func topicWord(_ key: String, allowSlash: Bool) throws(ConfigError) -> String? {
            guard let s = try r.string(key) else { return nil }
            let ok = s.unicodeScalars.allSatisfy { PresenceConfig.MQTT.isTopicWordCharacter($0) || (allowSlash && $0 == "/") }
            guard ok, s.count <= 64, !s.hasPrefix("/"), !s.hasSuffix("/"), !s.contains("//") else {
                throw r.error(key, "expected letters, digits, _ and -\(allowSlash ? " (levels separated by /)" : ""), at most 64, got \"\(s)\"")
            }
            return s
        }
        c.nodeID = try topicWord("node_id", allowSlash: false) ?? c.nodeID
        c.name = try r.string("name", nonEmpty: true) ?? c.name
        c.clientID = try r.string("client_id") ?? c.clientID
        if c.clientID.utf8.count > 256 { throw r.error("client_id", "expected at most 256 bytes") }
        c.username = try r.string("username") ?? c.username
        c.password = try r.string("password") ?? c.password
        if c.username.isEmpty, !c.password.isEmpty {
            throw r.error("password", "MQTT 3.1.1 sends a password only with a user name: set mqtt.username too")
        }
        guard let prefix = try topicWord("topic_prefix", allowSlash: true) ?? Optional(c.topicPrefix), !prefix.isEmpty else {
            throw r.error("topic_prefix", "expected a non-empty topic prefix")
        }
        c.topicPrefix = prefix
        c.discoveryPrefix = try topicWord("discovery_prefix", allowSlash: true) ?? c.discoveryPrefix
        c.keepAlive = try r.duration("keepalive", max: 3600 * Nanos.perSecond) ?? c.keepAlive
        if c.keepAlive < Nanos.perSecond { throw r.error("keepalive", "expected at least 1s") }
        return c
    }

    private static func readRecording(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Recording {
        try r.allowOnly(["dir", "flight_recorder", "clip_after", "max_clips"])
        var c = PresenceConfig.Recording()
        c.dir = try r.path("dir") ?? c.dir
        // A clip is held in memory whole: keep it to minutes (320x240 at 15 fps is about 1.2 MB a second).
        c.flightRecorder = try r.duration("flight_recorder", max: 600 * Nanos.perSecond) ?? c.flightRecorder
        c.clipAfter = try r.duration("clip_after", max: 600 * Nanos.perSecond) ?? c.clipAfter
        c.maxClips = try r.int("max_clips", in: 1...100_000) ?? c.maxClips
        return c
    }

    private static func readState(_ r: TableReader) throws(ConfigError) -> PresenceConfig.State {
        try r.allowOnly(["dir"])
        var c = PresenceConfig.State()
        c.dir = try r.path("dir") ?? c.dir
        return c
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    private static func readLog(_ r: TableReader) throws(ConfigError) -> PresenceConfig.Log {
        try r.allowOnly(["level"])
        var c = PresenceConfig.Log()
        if let l = try r.string("level") {
            guard logLevels.contains(l) else { throw r.error("level", "expected one of \(logLevels.joined(separator: ", ")), got \"\(l)\"") }
            c.level = l
        }
        return c
    }
}
