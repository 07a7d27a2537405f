import Foundation
import PresenceCore
import PresenceDSP
import PresenceFusion

/// `presenced calibrate RECORDING… --out FILE`: learns the empty room from recordings that hold only an empty
/// room (the whole of each file is taken as empty) and writes the calibration file (`RadarCalibrationFile`):
/// an LD2410 in engineering mode per gate, or an LD2450's ghosts.
public enum CalibrationRun {
    /// Learns, writes `out` atomically, and returns what it wrote; `say` hears a line per recording.
    @discardableResult
    public static func run(files: [String], out: String, lenient: Bool = false, now: Date = Date(),
                           say: (String) -> Void = { _ in }) throws -> RadarCalibrationFile {
        var calibrator = RadarCalibrator()
        var basic = 0
        let settings = PipelineSettings(sensors: [.radar])
        for path in files {
            let before = calibrator.reports
            let damage = try Replay.pass(path, settings: settings, classifier: HeuristicFusion(), lenient: lenient, setUp: { pipeline in
                pipeline.radarReportSink = { report, t in
                    switch report {
                    case .ld2410(let r) where r.isEngineering: calibrator.add(r, at: t)
                    case .ld2410: basic += 1
                    case .ld2450(let targets): calibrator.add(targets, at: t)
                    }
                }
            }, events: { _ in })
            if let damage { say("\(path): skipped damaged data (--lenient): \(damage)") }
            say("\(path): \(calibrator.reports - before) reports")
        }
        guard let calibration = calibrator.calibration() else {
            let why = basic > 0 ? "only basic LD2410 reports: the calibration needs engineering mode (per-gate energies)" : "no radar data"
            throw ReplayError(exitCode: .dataError, description: "nothing to calibrate from: \(why)")
        }
        let file = RadarCalibrationFile(calibration: calibration, createdAt: now, sources: files)
        do {
            try file.write(to: out)
        } catch {
            throw ReplayError(exitCode: .ioError, description: error.description)
        }
        return file
    }
}
