import NIOConcurrencyHelpers
import PresenceDSP

/// What the live page asks of the pipeline: labels of the present moment (`POST /label`) and an empty-room
/// calibration (`POST /calibrate`), queued by the HTTP handler and taken by the pipeline's thread with its next
/// sample, so that they start at the sample time of then.
public final class LiveActions: Sendable {
    private let labels = NIOLockedValueBox<[Bool]>([])
    /// A calibration asked for and not yet started: countdown and duration (ns).
    private let calibration = NIOLockedValueBox<(countdown: Int64, duration: Int64)?>(nil)
    /// Set by the pipeline while a calibration runs: a second one is refused meanwhile.
    private let calibrating = NIOLockedValueBox(false)
    /// The zones in use (for `GET /zones`), and new ones waiting for the pipeline (`POST /zones`).
    private let zones: NIOLockedValueBox<(current: RadarZones, pending: RadarZones?)>

    var currentZones: RadarZones { zones.withLockedValue { $0.current } }

    /// New zones from the page: in use from the pipeline's next sample on.
    func setZones(_ new: RadarZones) {
        zones.withLockedValue { $0 = (new, new) }
    }

    func takeZones() -> RadarZones? {
        zones.withLockedValue { z in
            defer { z.pending = nil }
            return z.pending
        }
    }

    /// Set by the pipeline at start: its source has a radar (a device, or a recording with one).
    private let radar = NIOLockedValueBox(false)

    var hasRadar: Bool {
        get { radar.withLockedValue { $0 } }
        set { radar.withLockedValue { $0 = newValue } }
    }

    /// `zones`: the saved ones (ZonesFile), so that `GET /zones` serves them from the first request on.
    public init(zones: RadarZones = RadarZones()) {
        self.zones = NIOLockedValueBox((current: zones, pending: RadarZones?.none))
    }

    /// "Someone is here" (true) or "nobody is here" (false).
    func label(occupied: Bool) {
        labels.withLockedValue { $0.append(occupied) }
    }

    /// The labels asked for since the last call, oldest first.
    func takeLabels() -> [Bool] {
        labels.withLockedValue { queued in
            defer { queued.removeAll() }
            return queued
        }
    }

    /// Asks for a calibration; false when one is asked for or running already.
    func calibrate(countdown: Int64, duration: Int64) -> Bool {
        calibrating.withLockedValue { running in
            guard !running else { return false }
            running = true
            calibration.withLockedValue { $0 = (countdown, duration) }
            return true
        }
    }

    /// The calibration asked for, once.
    func takeCalibration() -> (countdown: Int64, duration: Int64)? {
        calibration.withLockedValue { asked in
            defer { asked = nil }
            return asked
        }
    }

    /// The pipeline's calibration has ended (done or failed): another may be asked for.
    func calibrationEnded() {
        calibrating.withLockedValue { $0 = false }
    }
}
