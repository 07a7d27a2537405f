import PresenceCore
import PresenceDSP
import PresenceFusion

/// What a run of the pipeline over recordings (replay, eval, train) takes from the configuration: the
/// sensors to use, the tracker's parameters and the radar's calibration. The daemon's configuration file makes one
/// (`PresenceConfig.pipelineSettings` in PresenceService); the defaults are the documented ones.
public struct PipelineSettings: Sendable, Equatable {
    /// The configured sensors: a recording's other modalities are not replayed. Empty: every modality
    /// the recording holds.
    public var sensors: Set<SensorKind> = []
    public var tracker = Tracker.Parameters()
    /// `[radar] calibration`: the empty room the radar's features are measured against.
    public var radarCalibration: RadarCalibration?

    public init(sensors: Set<SensorKind> = [], tracker: Tracker.Parameters = Tracker.Parameters(),
                radarCalibration: RadarCalibration? = nil) {
        self.sensors = sensors
        self.tracker = tracker
        self.radarCalibration = radarCalibration
    }
}
