import PresenceCore
import PresenceFusion

/// What a run of the pipeline over recordings (replay, eval, train) takes from the configuration: the
/// sensors to use and the tracker's parameters. The daemon's configuration file makes one
/// (`PresenceConfig.pipelineSettings` in PresenceService); the defaults are the documented ones.
public struct PipelineSettings: Sendable, Equatable {
    /// The configured sensors: a recording's other modalities are not replayed. Empty: every modality
    /// the recording holds.
    public var sensors: Set<SensorKind> = []
    public var tracker = Tracker.Parameters()

    public init(sensors: Set<SensorKind> = [], tracker: Tracker.Parameters = Tracker.Parameters()) {
        self.sensors = sensors
        self.tracker = tracker
    }
}
