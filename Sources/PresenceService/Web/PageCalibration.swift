import Foundation
import Logging
import PresenceCore
import PresenceDSP
import PresencePipeline

/// An empty-room calibration started from the live page (`POST /calibrate`): a countdown to leave the room,
/// then the radar's reports learned for a while (RadarCalibrator, as `presenced calibrate` does), on the
/// pipeline's sample time, inside the running daemon. The result is kept in `[state] dir` (`fileName`) and
/// applied at once; at start the newer of it and `[radar] calibration` is used (`newest`).
/// Lives on the pipeline's thread.
final class PageCalibration {
    static let fileName = "radar-calibration.json"

    enum Phase: String { case countdown, learning, done, failed }

    let learnFrom: Int64
    let end: Int64
    private var calibrator = RadarCalibrator()
    private(set) var phase = Phase.countdown
    private(set) var message = ""

    init(at t: Int64, countdown: Int64, duration: Int64) {
        learnFrom = t + countdown
        end = learnFrom + duration
    }

    var isRunning: Bool { phase == .countdown || phase == .learning }

    /// A radar report at sample time `t`: learned from between the countdown's end and the end.
    func add(_ report: RadarReport, at t: Int64) {
        guard isRunning, t >= learnFrom, t < end else { return }
        switch report {
        case .ld2410(let r): calibrator.add(r, at: t)
        case .ld2450(let targets): calibrator.add(targets, at: t)
        }
    }

    /// Moves the phase on at sample time `t`; at the end, the calibration (nil when the radar gave nothing
    /// to learn from: `message` says so).
    func advance(to t: Int64) -> RadarCalibration? {
        switch phase {
        case .countdown where t >= learnFrom:
            phase = .learning
        case .learning where t >= end:
            guard let calibration = calibrator.calibration() else {
                phase = .failed
                message = "no per-gate reports (an LD2410 in engineering mode, or an LD2450) while learning: nothing to calibrate from"
                return nil
            }
            phase = .done
            return calibration
        default:
            break
        }
        return nil
    }

    /// The run failed after the end (the file could not be written, say): `why` is shown on the page.
    func fail(_ why: String) {
        phase = .failed
        message = why
    }

    /// For the live tick: the phase, seconds left of it, reports learned from, and why it failed.
    func json(at t: Int64) -> String {
        var w = JSONObjectWriter()
        w.string("phase", phase.rawValue)
        let left: Int64 = switch phase {
        case .countdown: learnFrom - t
        case .learning: end - t
        case .done, .failed: 0
        }
        w.number("left_s", Double((max(0, left) + Nanos.perSecond - 1) / Nanos.perSecond))
        w.number("reports", Double(calibrator.reports))
        if !message.isEmpty { w.string("message", message) }
        return w.finish()
    }

    /// The calibration to start with: `[radar] calibration`'s or the page's last one (in `stateDir`), whichever
    /// was made later. A page calibration that cannot be used (another sensor, damaged) is passed over with a
    /// log line: the configuration's (or none) stays.
    static func newest(configured: RadarCalibrationFile?, radar: PresenceConfig.Radar?, stateDir: String,
                       logger: Logger) -> RadarCalibrationFile? {
        let path = stateDir + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return configured }
        // A replay has no [radar]: its recording's radar is taken as it comes.
        let sensor: RadarCalibration.Sensor? = radar.map { $0.model == .ld2450 ? .ld2450 : .ld2410 }
        do {
            let saved = try RadarCalibrationFile.read(path, for: sensor)
            if let configured, (configured.createdSeconds ?? 0) >= (saved.createdSeconds ?? 0) { return configured }
            logger.info("radar calibration from the live page taken up", metadata: ["file": "\(path)", "created": "\(saved.created)"])
            return saved
        } catch {
            logger.warning("radar calibration from the live page not used", metadata: ["file": "\(path)", "reason": "\(error.description)"])
            return configured
        }
    }
}
