import PresenceCore
import PresenceFusion

/// The simplest detectors people use today, for `presenced eval` to set beside
/// presenced on the same ticks (issue 7): each says 1 or 0 from one rule, and
/// has the hold its original uses. Thresholds are those tools' defaults where
/// they carry over, otherwise set just above our simulator's empty-room noise
/// (favouring the baseline, never handicapping it).
public struct Baseline: OccupancyClassifier {
    public enum Kind: String, Sendable, CaseIterable {
        /// ESPHome's LD2410 component: the module's own target flag (moving or still), 5 s "timeout".
        case radarTarget = "radar target only (ESPHome LD2410)"
        /// The same rule with the gate thresholds a user tunes after calibrating the room (`[radar] calibration`'s
        /// `gateThresholds`; the factory's without one), 5 s "timeout".
        case radarTunedGates = "radar gates tuned to the calibration (ESPHome LD2410)"
        /// Motion / Frigate's motion stage: frame differences above the noise, Motion's 60 s event gap.
        case cameraMotion = "camera motion only (Motion, Frigate)"
        /// Everything Presence One's occupancy: the mmWave target OR motion OR sound, 15 s off-latency.
        case anySensor = "any sensor, with a hold (Everything Presence One)"
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// Mean absolute frame difference beyond the camera's noise (grey levels) that counts as motion: a person
    /// walking across a 320x240 view gives 1-3, a still view 0-0.2.
    public static let motionThreshold: Float = 0.5
    /// Sound this far above the noise floor (dB) counts for the any-sensor rule.
    public static let soundThreshold: Float = 15

    /// The tracker the baseline runs with: no hysteresis, no on-latency, its own hold.
    public func trackerParameters(like p: Tracker.Parameters) -> Tracker.Parameters {
        var t = p
        t.onThreshold = 0.5
        t.offThreshold = 0.5
        t.onLatency = 0
        t.maxExtension = 0
        switch kind {
        case .radarTarget, .radarTunedGates: t.hold = 5 * Nanos.perSecond
        case .cameraMotion: t.hold = 60 * Nanos.perSecond
        case .anySensor: t.hold = 15 * Nanos.perSecond
        }
        return t
    }

    public func classify(_ f: FeatureVector) -> FusionResult {
        var sources = SensorScores()
        let radar = f.present.contains(.radar) && f[.radarTargets] >= 1
        let tuned = f.present.contains(.radar) && f[.radarOverGateThreshold] >= 1
        let motion = f.present.contains(.camera) && f[.cameraMotion] >= Self.motionThreshold
        let sound = f.present.contains(.audio) && f[.audioAboveFloor] >= Self.soundThreshold
        let said: Bool
        switch kind {
        case .radarTarget:
            said = radar
            if f.present.contains(.radar) { sources[.radar] = radar ? 1 : 0 }
        case .radarTunedGates:
            said = tuned
            if f.present.contains(.radar) { sources[.radar] = tuned ? 1 : 0 }
        case .cameraMotion:
            said = motion
            if f.present.contains(.camera) { sources[.camera] = motion ? 1 : 0 }
        case .anySensor:
            said = radar || motion || sound
            if f.present.contains(.radar) { sources[.radar] = radar ? 1 : 0 }
            if f.present.contains(.camera) { sources[.camera] = motion ? 1 : 0 }
            if f.present.contains(.audio) { sources[.audio] = sound ? 1 : 0 }
        }
        return FusionResult(probability: said ? 1 : 0, sources: sources)
    }
}
