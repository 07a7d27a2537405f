import ArgumentParser
import Foundation
import PresenceCore
import PresenceDSP
import PresencePipeline
import PresenceService

struct Calibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Learn the empty room (from recordings of it, or live from the radar); write a radar calibration file.",
        discussion: """
        From recordings: every file is taken as an empty room from start to end (record the room with nobody in \
        it, then calibrate from the recordings). Live: --config F --duration 60s opens the configured radar, \
        counts down (--countdown, 10 s) while you leave the room, and learns for the duration; stay out until it \
        says it is done. What is learned: per gate of an LD2410 in engineering mode, the mean and the spread of \
        the moving and the still energy; for an LD2450, its ghosts (where it reports targets with nobody there). With [radar] calibration = "FILE" the radar's features are measured \
        above that level from the first report. The file is versioned, checksummed and names its radar model. \
        --write-module also writes the gate thresholds derived from it (each gate's empty-room mean + 3 spreads \
        + 5, never below the factory's) into the configured LD2410, so that its own OUT pin agrees.
        """)

    @Argument(help: "Recordings of the empty room (.mcap) with LD2410 engineering-mode or LD2450 radar data (none: live, with --duration).")
    var files: [String] = []

    @Option(help: "The calibration file to write (JSON).")
    var out: String

    @Option(name: .shortAndLong, help: "Configuration file whose [radar] is calibrated live or written to (default /etc/presenced/presenced.toml).")
    var config: String?

    @Option(help: "Learn live from the configured radar for this long, e.g. 60s or 2m.")
    var duration: String?

    @Option(help: "Live: time to leave the room before learning starts, e.g. 10s.")
    var countdown = "10s"

    @Flag(help: "Also write the derived gate thresholds into the configured LD2410 over its UART.")
    var writeModule = false

    @Flag(help: "Use what is readable in a damaged recording (skipping the damage) instead of stopping.")
    var lenient = false

    func validate() throws {
        if files.isEmpty && duration == nil {
            throw ValidationError("give recordings of the empty room, or --duration to calibrate live from the configured radar")
        }
        if !files.isEmpty && duration != nil {
            throw ValidationError("recordings or --duration (live), not both")
        }
        if let duration, (DurationText.parse(duration) ?? 0) <= 0 {
            throw ValidationError("--duration takes a length with a unit such as 60s or 2m, got '\(duration)'")
        }
        if (DurationText.parse(countdown) ?? -1) < 0 {
            throw ValidationError("--countdown takes a length with a unit such as 10s or 0s, got '\(countdown)'")
        }
    }

    func run() async throws {
        try await exitingOnError {
            let configPath = config ?? "/etc/presenced/presenced.toml"
            // The radar section is checked before anything is learned: a live run or --write-module needs it.
            let radar = files.isEmpty || writeModule
                ? try LiveCalibration.radarSection(of: try ConfigLoader.load(path: configPath), file: configPath, writingModule: writeModule) : nil
            let file: RadarCalibrationFile
            if let duration = duration.flatMap(DurationText.parse), let radar {
                let stop = StopSignals()
                let progress = ProgressLine()
                let options = LiveCalibration.Options(radar: radar, duration: duration,
                                                      countdown: DurationText.parse(countdown) ?? 0, out: out, writeModule: writeModule)
                file = try LiveCalibration.run(options, progress: progress.say, shouldStop: { stop.requested })
                progress.end()
            } else {
                file = try CalibrationRun.run(files: files, out: out, lenient: lenient) { printError("presenced: \($0)") }
                if writeModule, let radar { try LiveCalibration.writeModule(file.calibration, radar: radar) }
            }
            let c = file.calibration
            let learned = switch c.sensor {
            case .ld2410: "still energy by gate: " + (0..<c.stillMean.count).map { String(format: "%.0f±%.0f", c.stillMean[$0], c.stillSpread[$0]) }.joined(separator: " ")
            case .ld2450: "\(c.ghosts.count) ghost(s)" + c.ghosts.map { String(format: " at (%.2f, %.2f) m %.0f %%", $0.x, $0.y, 100 * $0.share) }.joined(separator: ",")
            }
            print("\(out): \(c.sensor.rawValue), \(c.reports) reports over \(String(format: "%.0f", c.seconds)) s; \(learned)")
            if writeModule, let radar {
                let t = c.gateThresholds
                print("\(radar.device): gate thresholds written: moving \(t.moving.map(String.init).joined(separator: " ")); still \(t.still.map(String.init).joined(separator: " "))")
            }
        }
    }
}

/// The live calibration's countdown on a terminal: one line rewritten in place on a tty, a line per change
/// otherwise (a log, a pipe).
private final class ProgressLine: Sendable {
    private let tty = isatty(STDERR_FILENO) == 1

    func say(_ p: LiveCalibration.Progress) {
        let text: String
        switch p {
        case .leaveTheRoom(let s): text = "leave the room now: learning starts in \(s) s"
        case .learning(let s, let reports): text = "learning the empty room (stay out): \(s) s left, \(reports) reports"
        }
        if tty {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
        } else if case .learning(let s, _) = p, s % 10 != 0 {
            return  // not a terminal: every 10 s is enough
        } else {
            printError(text)
        }
    }

    func end() {
        if tty { FileHandle.standardError.write(Data("\r\u{1B}[Kdone: you may come back in\n".utf8)) } else { printError("done: you may come back in") }
    }
}
