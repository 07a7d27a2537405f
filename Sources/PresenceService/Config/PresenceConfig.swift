import PresenceCore
import PresenceDSP
import PresenceFusion
import PresencePipeline

/// The daemon's configuration (DESIGN.md §6). Every key is optional; these
/// defaults are the documented ones in config/presenced.toml. A sensor section
/// that is absent means that modality is not used.
public struct PresenceConfig: Sendable, Equatable {
    public struct Camera: Sendable, Equatable {
        public var device = "/dev/video0"
        public var width = 320
        public var height = 240
        public var fps = 15
    }

    public struct Audio: Sendable, Equatable {
        public var device = "default"
        public var rate = 16000
    }

    public struct Radar: Sendable, Equatable {
        public var device = "/dev/ttyUSB0"
        public var model = RadarModel.ld2410
        public var baud = 256_000
        /// `calibration`: the path of a radar calibration file (`presenced calibrate`), relative to the config file;
        /// empty: none. `calibrationFile`: its contents, read and checked when the configuration is loaded.
        public var calibration = ""
        public var calibrationFile: RadarCalibrationFile?
    }

    public struct Replay: Sendable, Equatable {
        public var file = "/var/lib/presenced/demo.mcap"
        public var loop = true
        /// 1.0 = real time; 0 = as fast as possible.
        public var speed = 1.0
    }

    public struct Fusion: Sendable, Equatable {
        /// Path of a trained model file; empty uses the model built into the binary (models/default.model).
        public var model = ""
        public var onThreshold = 0.6
        public var offThreshold = 0.4
        public var onLatency: Int64 = 300 * Nanos.perMillisecond
        public var hold: Int64 = 30 * Nanos.perSecond
        /// Radar breathing-band share (0-1) that counts as someone still there; 0 disables.
        public var holdBreathing = 0.5
        /// Breathing amplitude (RMS of the still energy, energy units) that goes with it.
        public var holdBreathingAmplitude = 2.0
        /// Voice score (0-1) that counts as someone still there; 0 disables.
        public var holdVoice = 0.7
        /// Camera and radar own scores under which both are confidently empty: sound alone then neither
        /// switches the room on nor holds it by a voice; 0 disables.
        public var soundAloneBelow = 0.3
        /// How long such signs may keep a room occupied after p last said so.
        public var holdExtension: Int64 = 10 * 60 * Nanos.perSecond
        /// A room state saved this recently before a start is taken up (nil: the hold; 0: never).
        public var restoreWithin: Int64?

        /// `restore_within` in force: by default the hold, so that a restart inside the hold keeps the room.
        public var restoreWindow: Int64 { restoreWithin ?? hold }
    }

    public struct Socket: Sendable, Equatable {
        public var path = "/run/presenced/events.sock"
        public var mode: UInt32 = 0o660
        /// "" keeps the running user's group.
        public var group = "presenced"
    }

    public struct Metrics: Sendable, Equatable {
        /// "host:port"; "" disables the listener.
        public var listen = "127.0.0.1:9468"
    }

    /// The live page on the metrics listener (DESIGN.md §9).
    public struct Web: Sendable, Equatable {
        /// Asked of every request when non-empty; required when `[metrics] listen` is not a loopback address.
        public var token = ""
        /// true: the page may show the camera's picture (small, grey); default: only its foreground mask.
        public var cameraPreview = false
    }

    /// Home Assistant over MQTT 3.1.1 (plain TCP). Absent: no MQTT.
    public struct MQTT: Sendable, Equatable {
        public var broker = ListenAddress("127.0.0.1:1883")!
        /// This device in topics and Home Assistant ids; "" = the host name (see `resolvedNodeID`).
        public var nodeID = ""
        /// The device's name in Home Assistant.
        public var name = "Presence"
        /// "" = "presenced-<node id>".
        public var clientID = ""
        /// "" = connect without a user name (and without a password).
        public var username = ""
        public var password = ""
        /// State topics live under `<topic_prefix>/<node id>/`.
        public var topicPrefix = "presenced"
        /// Home Assistant's discovery prefix; "" publishes no discovery (state topics only).
        public var discoveryPrefix = "homeassistant"
        public var keepAlive: Int64 = 30 * Nanos.perSecond
    }

    public struct Recording: Sendable, Equatable {
        public var dir = "/var/lib/presenced/clips"
        /// History kept in memory for clips around occupancy changes; 0 = off.
        public var flightRecorder: Int64 = 0
        /// How long a clip goes on after the change.
        public var clipAfter: Int64 = 10 * Nanos.perSecond
        /// Only the newest clips are kept.
        public var maxClips = 100
    }

    public struct Log: Sendable, Equatable {
        public var level = "info"
    }

    /// What the daemon keeps across restarts (the room's state); `StateDirectory=` under systemd.
    public struct State: Sendable, Equatable {
        public var dir = "/var/lib/presenced"
    }

    public var camera: Camera?
    public var audio: Audio?
    public var radar: Radar?
    public var replay: Replay?
    public var fusion = Fusion()
    public var socket = Socket()
    public var metrics = Metrics()
    public var web = Web()
    public var mqtt: MQTT?
    public var recording = Recording()
    public var log = Log()
    public var state = State()
    /// The file this came from, for messages; nil for built-in defaults.
    public var sourcePath: String?

    public init() {}

    /// The modalities the daemon expects data from.
    public var configuredSensors: Set<SensorKind> {
        var s = Set<SensorKind>()
        if camera != nil { s.insert(.camera) }
        if audio != nil { s.insert(.audio) }
        if radar != nil { s.insert(.radar) }
        return s
    }
}

extension PresenceConfig.Fusion {
    public var trackerParameters: Tracker.Parameters {
        Tracker.Parameters(onThreshold: onThreshold, offThreshold: offThreshold, onLatency: onLatency, hold: hold,
                           maxExtension: holdExtension, breathingShare: Float(holdBreathing),
                           breathingAmplitude: Float(holdBreathingAmplitude), voice: Float(holdVoice),
                           soundAloneBelow: soundAloneBelow)
    }
}

extension PresenceConfig {
    /// The fusion step this configuration asks for: the trained model file `[fusion] model` names,
    /// or the built-in one. A model that is missing, damaged or made for another feature spec is a
    /// configuration error naming the key.
    /// `int8`: the model with its weights quantised to int8 as `export-onnx --int8` stores them (to measure the cost).
    public func classifier(int8: Bool = false) throws(ConfigError) -> any OccupancyClassifier {
        do {
            let model = fusion.model.isEmpty ? ModelFile.builtin : try ModelFile.load(path: fusion.model)
            return try MLPFusion(model: int8 ? ONNXExport.int8Equivalent(model) : model)
        } catch {
            throw ConfigError(file: sourcePath ?? "configuration", key: "fusion.model", message: "\(error)")
        }
    }

    /// The name `presence_build_info{model}` reports.
    public var modelName: String { fusion.model.isEmpty ? "builtin:\(ModelFile.builtin.name)" : fusion.model }

    /// What the runs over recordings (replay, eval, train) take from this file: the configured sensors
    /// (narrowing a recording's modalities) and the tracker.
    public var pipelineSettings: PipelineSettings {
        PipelineSettings(sensors: configuredSensors, tracker: fusion.trackerParameters,
                         radarCalibration: radar?.calibrationFile?.calibration)
    }
}
