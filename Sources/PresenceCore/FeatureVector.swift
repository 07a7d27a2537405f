/// The features of one 10 Hz tick (DESIGN.md §1). Version 2 of the feature
/// specification: names, units and meaning are listed in `Feature`; fusion and
/// `replay --features` read them by name, so add new ones at the end.
public enum Feature: Int, CaseIterable, Sendable {
    /// Fraction 0...1 of pixels that differ from the learned background (max over the tick's frames).
    case cameraForeground
    /// Mean absolute luma change between consecutive frames, grey levels (max over the tick).
    case cameraMotion
    /// Loudest 32 ms window, dBFS.
    case audioLevel
    /// Loudest window above the tracked noise floor, dB.
    case audioAboveFloor
    /// Energy-weighted share 0...1 of 300-3400 Hz in the tick's windows above the floor.
    case audioSpeechRatio
    /// Largest spectral flux (mean positive change of log power, dB) in the tick.
    case audioFlux
    /// Largest moving energy 0...100 over all range gates in the tick's last report.
    case radarMoving
    /// Largest still energy 0...100 over gates 2-8 (gates 0-1 see the mounting surface).
    case radarStill
    /// Range of the strongest return, metres (0 when the sensor reports no target).
    case radarDistance
    /// Standard deviation of the still energy at the strongest still gate over the last 10 s.
    case radarMicroMotion
    // Version 2.
    /// Area of the largest foreground blob, fraction 0...1 of the frame (the tick's largest).
    case cameraBlobArea
    /// Centre of the largest blob, 0...1 across the frame (last frame of the tick with a blob).
    case cameraBlobX
    /// Centre of the largest blob, 0...1 down the frame: a pet is low, a standing person reaches high.
    case cameraBlobY
    /// How fast the blob's centre moves, frame widths per second (the tick's largest).
    case cameraBlobSpeed
    /// 1 when the view changed wholesale this tick (camera moved or covered), else 0.
    case cameraSceneChanged

    public var sensor: SensorKind {
        switch self {
        case .cameraForeground, .cameraMotion, .cameraBlobArea, .cameraBlobX, .cameraBlobY, .cameraBlobSpeed, .cameraSceneChanged: .camera
        case .audioLevel, .audioAboveFloor, .audioSpeechRatio, .audioFlux: .audio
        case .radarMoving, .radarStill, .radarDistance, .radarMicroMotion: .radar
        }
    }

    public var name: String {
        switch self {
        case .cameraForeground: "camera_foreground"
        case .cameraMotion: "camera_motion"
        case .audioLevel: "audio_level_dbfs"
        case .audioAboveFloor: "audio_above_floor_db"
        case .audioSpeechRatio: "audio_speech_ratio"
        case .audioFlux: "audio_flux_db"
        case .radarMoving: "radar_moving_energy"
        case .radarStill: "radar_still_energy"
        case .radarDistance: "radar_distance_m"
        case .radarMicroMotion: "radar_micro_motion"
        case .cameraBlobArea: "camera_blob_area"
        case .cameraBlobX: "camera_blob_x"
        case .cameraBlobY: "camera_blob_y"
        case .cameraBlobSpeed: "camera_blob_speed"
        case .cameraSceneChanged: "camera_scene_changed"
        }
    }
}

public struct FeatureVector: Sendable, Equatable {
    public static let specVersion = 2

    /// Sample time of the tick (its end).
    public var t: Int64
    /// Modalities whose features are valid this tick; the others hold zeros.
    public var present: Set<SensorKind>
    public var values: [Float]

    public init(t: Int64, present: Set<SensorKind> = [], values: [Float]? = nil) {
        self.t = t
        self.present = present
        self.values = values ?? [Float](repeating: 0, count: Feature.allCases.count)
    }

    public subscript(f: Feature) -> Float {
        get { values[f.rawValue] }
        set { values[f.rawValue] = newValue }
    }
}
