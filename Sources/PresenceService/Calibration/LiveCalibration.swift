import Foundation
import PresenceCapture
import PresenceCore
import PresenceDSP
import PresencePipeline
import PresenceRadar

/// `presenced calibrate --config F --duration 60s --out FILE`: the empty room learned live from the configured
/// radar (an LD2410 in engineering mode, or an LD2450), after a countdown in which the user leaves the room; and
/// `--write-module`: an LD2410's derived gate thresholds written into the module over its UART, so that its own
/// OUT pin agrees.
public enum LiveCalibration {
    public struct Options: Sendable {
        public var radar: PresenceConfig.Radar
        /// How long to learn, and how long to wait first (for the user to leave), nanoseconds.
        public var duration: Int64
        public var countdown: Int64
        public var out: String
        /// Then write the derived gate thresholds into the module (`--write-module`).
        public var writeModule: Bool

        public init(radar: PresenceConfig.Radar, duration: Int64, countdown: Int64, out: String, writeModule: Bool = false) {
            (self.radar, self.duration, self.countdown, self.out) = (radar, duration, countdown, out)
            self.writeModule = writeModule
        }
    }

    /// What the user sees while it runs: seconds left of the countdown, then of the learning (with reports so far).
    public enum Progress: Sendable, Equatable {
        case leaveTheRoom(secondsLeft: Int)
        case learning(secondsLeft: Int, reports: Int)
    }

    /// A device that cannot be used (74), a radar that cannot calibrate (65), or a stop before the end (74).
    public struct Failure: PresenceError {
        public var exitCode: ExitCode
        public var description: String
    }

    /// The radar section a live calibration needs (78 naming `radar` without one); `--write-module` needs an
    /// LD2410 (78 naming `radar.model` otherwise).
    public static func radarSection(of config: PresenceConfig, file: String, writingModule: Bool) throws(ConfigError) -> PresenceConfig.Radar {
        guard let radar = config.radar else {
            throw ConfigError(file: file, key: "radar", message: "calibrating from the radar needs a [radar] section with its device")
        }
        guard !writingModule || radar.model == .ld2410 else {
            throw ConfigError(file: file, key: "radar.model", message: "--write-module writes an ld2410's gate thresholds; an \(radar.model.rawValue) has none")
        }
        return radar
    }

    /// Opens the radar, counts down, learns for the duration, writes `out` atomically (then the thresholds into
    /// the module when asked) and returns the file. `shouldStop`: SIGINT or SIGTERM; a stop writes nothing.
    public static func run(_ o: Options, progress: (Progress) -> Void, shouldStop: () -> Bool) throws(Failure) -> RadarCalibrationFile {
        let device = try open(o.radar)
        defer { device.close() }
        guard device.engineeringMode || o.radar.model == .ld2450 else {
            throw Failure(exitCode: .dataError, description: "\(o.radar.device): no engineering mode (\(device.fallbackReason ?? "refused")): the calibration needs per-gate energies")
        }
        var calibrator = RadarCalibrator()
        var ld2410 = LD2410Parser(), ld2450 = LD2450Parser()
        var messages: [RadarMessage] = []
        let start = CaptureClock.monotonic()
        let learnFrom = start + o.countdown, end = learnFrom + o.duration
        var lastSaid: Progress?
        while true {
            let now = CaptureClock.monotonic()
            if now >= end { break }
            if shouldStop() {
                throw Failure(exitCode: .ioError, description: "stopped before the end: nothing written")
            }
            let said: Progress = now < learnFrom ? .leaveTheRoom(secondsLeft: Self.secondsLeft(learnFrom - now))
                : .learning(secondsLeft: Self.secondsLeft(end - now), reports: calibrator.reports)
            if lastSaid.map({ !Self.sameSecond($0, said) }) ?? true {
                progress(said)
                lastSaid = said
            }
            do {
                // Parsed all along (the parser keeps its place in the stream); learned from after the countdown.
                let learning = now >= learnFrom
                try device.read(timeoutMs: 100) { sample in
                    guard case .serial(let chunk) = sample.payload else { return }
                    messages.removeAll(keepingCapacity: true)
                    if o.radar.model == .ld2450 { ld2450.feed(chunk.bytes, into: &messages) } else { ld2410.feed(chunk.bytes, into: &messages) }
                    guard learning else { return }
                    for case .report(let report) in messages {
                        switch report {
                        case .ld2410(let r): calibrator.add(r, at: sample.t)
                        case .ld2450(let targets): calibrator.add(targets, at: sample.t)
                        }
                    }
                }
            } catch {
                throw Failure(exitCode: .ioError, description: "\(o.radar.device): \(error.reason)")
            }
        }
        guard let calibration = calibrator.calibration() else {
            throw Failure(exitCode: .dataError, description: "\(o.radar.device): no \(o.radar.model == .ld2450 ? "" : "engineering ")reports in \(DurationText.format(o.duration)): nothing to calibrate from")
        }
        let file = RadarCalibrationFile(calibration: calibration, sources: ["live: \(o.radar.device)"])
        do {
            try file.write(to: o.out)
        } catch {
            throw Failure(exitCode: .ioError, description: error.description)
        }
        if o.writeModule { try write(calibration.gateThresholds, to: device) }
        return file
    }

    /// Writes the gate thresholds of `calibration` (an LD2410's: 65 otherwise) into the LD2410 of `radar`
    /// (`calibrate RECORDING… --write-module`).
    public static func writeModule(_ calibration: RadarCalibration, radar: PresenceConfig.Radar) throws(Failure) {
        guard calibration.sensor == .ld2410 else {
            throw Failure(exitCode: .dataError, description: "the recordings are of an \(calibration.sensor.rawValue.uppercased()): no gate thresholds to write into \(radar.device)")
        }
        let device = try open(radar)
        defer { device.close() }
        try write(calibration.gateThresholds, to: device)
    }

    private static func write(_ thresholds: LD2410GateThresholds, to device: RadarDevice) throws(Failure) {
        do {
            try device.writeGateThresholds(thresholds)
        } catch {
            throw Failure(exitCode: .ioError, description: "\(device.path): writing the gate thresholds: \(error.reason)")
        }
    }

    private static func open(_ radar: PresenceConfig.Radar) throws(Failure) -> RadarDevice {
        let device = RadarDevice(path: radar.device, model: radar.model, baud: radar.baud, clock: CaptureClock())
        do {
            try device.open()
        } catch {
            throw Failure(exitCode: .ioError, description: "\(radar.device): \(error.reason)")
        }
        return device
    }

    private static func secondsLeft(_ ns: Int64) -> Int { Int((ns + Nanos.perSecond - 1) / Nanos.perSecond) }

    /// Progress is said once a second, not on every report.
    private static func sameSecond(_ a: Progress, _ b: Progress) -> Bool {
        switch (a, b) {
        case (.leaveTheRoom(let x), .leaveTheRoom(let y)): x == y
        case (.learning(let x, _), .learning(let y, _)): x == y
        default: false
        }
    }
}
