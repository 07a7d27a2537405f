import Logging
import PresenceFusion
import ServiceLifecycle
import UnixSignals

/// SIGHUP (`systemctl reload`): reads the configuration file again. A file that does not load (syntax,
/// a bad value, a model that does not open, a missing replay file) changes nothing: the running
/// configuration stays, and the log says why. A good one is applied without dropping anyone:
/// - `[fusion]` (model, thresholds, hold …) from the next tick; the room keeps its state.
/// - `[log] level` at once; `[metrics] listen` rebinds; `[mqtt]` reconnects with the new settings;
///   `[radar] calibration` (the file is read again) from the next report.
/// - `[camera]`, `[audio]`, `[radar]` (but its calibration), `[replay]`, `[socket]`, `[recording]` and `[state]`
///   are kept as they run until the next start (changing a sensor or the socket under connected clients would
///   reset the room's state or drop them): the log names each such section.
public final class ConfigReloader: Service, Sendable {
    private let path: String
    private let running: RunningConfig
    private let logger: Logger
    private let hangups: UnixSignalsSequence

    /// Traps SIGHUP at once, before the daemon's socket or metrics answer: a reload sent as soon as they do
    /// (a test, `systemctl reload` right after a start) waits for `run` instead of killing the process
    /// (SIGHUP's default action) or being lost.
    public init(path: String, running: RunningConfig, logger: Logger) async {
        self.path = path
        self.running = running
        self.logger = logger
        self.hangups = await UnixSignalsSequence(trapping: .sighup)
    }

    public func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            SystemdNotifier.reloading()
            let applied = reload()
            SystemdNotifier.ready(status: applied ? "running; configuration reloaded" : "running; the new configuration was refused (see the log)")
        }
    }

    /// What a SIGHUP does; false when the file was refused.
    @discardableResult
    func reload() -> Bool {
        let old = running.config
        var new: PresenceConfig
        let classifier: any OccupancyClassifier
        do throws(any Error) {
            new = try ConfigLoader.load(path: path)
            classifier = try new.prepareToRun().classifier
        } catch {
            logger.error("configuration not reloaded; the running one stays", metadata: ["error": "\(error)"])
            return false
        }
        let atRestart = Self.appliedAtRestart.filter { $0.differs(old, new) }.map(\.name)
        // Those sections keep running as they are; the rest of the file applies now.
        for section in Self.appliedAtRestart { section.keep(old, &new) }
        let changed = Self.appliedNow.filter { $0.differs(old, new) }.map(\.name)
        running.replace(with: new, classifier: classifier)
        DaemonLogging.setLevel(new.log.level)
        logger.notice("configuration reloaded", metadata: ["file": "\(path)", "changed": "\(changed.isEmpty ? "nothing" : changed.joined(separator: ", "))"])
        if !atRestart.isEmpty {
            logger.warning("configuration changes that apply at the next start", metadata: ["sections": "\(atRestart.joined(separator: ", "))"])
        }
        return true
    }

    struct Section: Sendable {
        let name: String
        let differs: @Sendable (PresenceConfig, PresenceConfig) -> Bool
        let keep: @Sendable (PresenceConfig, inout PresenceConfig) -> Void

        static func of<T: Equatable>(_ name: String, _ path: WritableKeyPath<PresenceConfig, T> & Sendable) -> Section {
            Section(name: name, differs: { $0[keyPath: path] != $1[keyPath: path] }, keep: { $1[keyPath: path] = $0[keyPath: path] })
        }
    }

    /// `[radar]` but its calibration: the device and its settings (the calibration applies now).
    private static func radarDevice(_ c: PresenceConfig) -> PresenceConfig.Radar? {
        c.radar.map {
            var r = $0
            (r.calibration, r.calibrationFile) = ("", nil)
            return r
        }
    }

    static let radarDevice = Section(name: "radar", differs: { radarDevice($0) != radarDevice($1) }, keep: { old, new in
        // The running device stays; the new file's calibration goes with it when there still is a radar.
        let calibration = (new.radar?.calibration ?? "", new.radar?.calibrationFile)
        new.radar = old.radar
        if new.radar != nil { (new.radar!.calibration, new.radar!.calibrationFile) = calibration }
    })
    static let radarCalibration = Section(name: "radar.calibration", differs: { $0.radar?.calibrationFile != $1.radar?.calibrationFile },
                                          keep: { _, _ in })

    static let appliedAtRestart: [Section] = [
        .of("camera", \.camera), .of("audio", \.audio), radarDevice, .of("replay", \.replay),
        .of("socket", \.socket), .of("recording", \.recording), .of("state", \.state),
    ]
    static let appliedNow: [Section] = [.of("fusion", \.fusion), .of("metrics", \.metrics), .of("web", \.web), .of("mqtt", \.mqtt), .of("log", \.log),
                                        radarCalibration]
}
