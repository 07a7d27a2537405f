/// One feature of the 10 Hz tick (DESIGN.md §1): its place in the vector, the
/// name `replay --features` and the model files use, and the modality it
/// belongs to. The list is the feature specification; its version is
/// `FeatureVector.specVersion`. New features go at the end.
public struct Feature: Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let name: String
    public let sensor: SensorKind

    init(_ index: Int, _ name: String, _ sensor: SensorKind) {
        self.index = index
        self.name = name
        self.sensor = sensor
    }

    public var description: String { name }

    // MARK: Version 1

    /// Fraction 0...1 of pixels that differ from the learned background (max over the tick's frames).
    public static let cameraForeground = Feature(0, "camera_foreground", .camera)
    /// Mean absolute luma change between consecutive frames, grey levels (max over the tick).
    public static let cameraMotion = Feature(1, "camera_motion", .camera)
    /// Loudest 32 ms window, dBFS.
    public static let audioLevel = Feature(2, "audio_level_dbfs", .audio)
    /// Loudest window above the tracked noise floor, dB.
    public static let audioAboveFloor = Feature(3, "audio_above_floor_db", .audio)
    /// Energy-weighted share 0...1 of 300-3400 Hz in the tick's windows above the floor.
    public static let audioSpeechRatio = Feature(4, "audio_speech_ratio", .audio)
    /// Largest spectral flux (mean positive change of log power, dB) in the tick.
    public static let audioFlux = Feature(5, "audio_flux_db", .audio)
    /// Largest moving energy 0...100 over all range gates in the tick's last report.
    public static let radarMoving = Feature(6, "radar_moving_energy", .radar)
    /// Largest still energy 0...100 over gates 2-8 (gates 0-1 see the mounting surface).
    public static let radarStill = Feature(7, "radar_still_energy", .radar)
    /// Range of the strongest return, metres (0 when the sensor reports no target).
    public static let radarDistance = Feature(8, "radar_distance_m", .radar)
    /// Standard deviation over the last 10 s of the still energy where it stands out most over the room's level
    /// (an LD2410 in engineering mode; otherwise the strongest still return).
    public static let radarMicroMotion = Feature(9, "radar_micro_motion", .radar)

    // MARK: Version 2

    /// Area of the largest foreground blob, fraction 0...1 of the frame (the tick's largest).
    public static let cameraBlobArea = Feature(10, "camera_blob_area", .camera)
    /// Centre of the largest blob, 0...1 across the frame (last frame of the tick with a blob).
    public static let cameraBlobX = Feature(11, "camera_blob_x", .camera)
    /// Centre of the largest blob, 0...1 down the frame: a pet is low, a standing person reaches high.
    public static let cameraBlobY = Feature(12, "camera_blob_y", .camera)
    /// How fast the blob's centre moves, frame widths per second (the tick's largest).
    public static let cameraBlobSpeed = Feature(13, "camera_blob_speed", .camera)
    /// 1 when the view changed wholesale this tick (camera moved or covered), else 0.
    public static let cameraSceneChanged = Feature(14, "camera_scene_changed", .camera)

    // MARK: Version 3

    /// Spectral flatness 0...1 over 100-4000 Hz (1: white noise, near 0: tones and voiced speech), tick mean.
    public static let audioFlatness = Feature(15, "audio_flatness", .audio)
    /// Pitch strength 0...1: the normalised autocorrelation peak at 70-400 Hz lags (voiced speech, song), tick max.
    public static let audioHarmonicity = Feature(16, "audio_harmonicity", .audio)
    /// Share 0...1 of the speech-band envelope's variation at 2-8 Hz over the last second: the syllable rhythm.
    public static let audioModulation = Feature(17, "audio_modulation", .audio)
    /// Voice activity 0...1 from pitch, syllable rhythm and speech-band energy above the floor (tick max).
    public static let audioVoice = Feature(18, "audio_voice", .audio)
    /// Mel bands (32, 60-7600 Hz), each the tick's mean energy above that band's own noise floor, dB.
    /// (32 matches the SIMD32 the audio extractor keeps them in.)
    public static let melBands = 32
    public static func audioMel(_ band: Int) -> Feature {
        precondition(band >= 0 && band < melBands, "mel band \(band) out of range")
        return mel[band]
    }

    /// Made once: a feature's name is a string, and a tick reads all 32.
    private static let mel = (0..<melBands).map { Feature(19 + $0, "audio_mel_\($0 < 10 ? "0" : "")\($0)_db", .audio) }

    // MARK: Version 4

    /// Largest moving energy over a gate's empty-room baseline (mean + 2σ), 0...100.
    public static let radarMovingExcess = Feature(51, "radar_moving_excess", .radar)
    /// Largest still energy over a gate's empty-room baseline, gates 2-8, 0...100.
    public static let radarStillExcess = Feature(52, "radar_still_excess", .radar)
    /// Target speed, m/s: the LD2450's fastest target, or the LD2410's range change (low-passed).
    public static let radarSpeed = Feature(53, "radar_speed_m_s", .radar)
    /// Share 0...1 of the still energy's variation over 20 s that lies at 0.1-0.5 Hz: breathing.
    public static let radarBreathingShare = Feature(54, "radar_breathing_share", .radar)
    /// Amplitude of that 0.1-0.5 Hz variation, energy units (RMS).
    public static let radarBreathingAmplitude = Feature(55, "radar_breathing_amplitude", .radar)
    /// Targets tracked: the LD2450's count (0-3); 1 or 0 for an LD2410.
    public static let radarTargets = Feature(56, "radar_targets", .radar)

    // MARK: Version 5

    /// The loudest voice of the last few seconds: `audio_voice`'s peak, falling by 0.2 a second. Someone
    /// talking pauses between words and sentences; without it a tick of room tone between two words looks
    /// like a tick of an empty room.
    public static let audioVoiceRecent = Feature(57, "audio_voice_recent", .audio)

    // MARK: Version 6

    /// 1 when an LD2410 gate's energy is at or above its threshold (`LD2410GateThresholds`: derived from the
    /// room's calibration, the factory's without one), else 0: the decision ESPHome's LD2410 component and the
    /// module's OUT pin make. For basic reports and the LD2450, the module's own target flag.
    public static let radarOverGateThreshold = Feature(58, "radar_over_gate_threshold", .radar)

    // MARK: Version 7

    /// The sound classifier's classes (models/sound.model), in its output order: a person's voice, a
    /// person's body (a cry, a sneeze, a snore, a cough), and what is not a person.
    public static let soundClasses = ["speech", "body", "animal", "nature", "machine", "music"]
    /// p 0...1 of each sound class for the last second of sound (the newest classification, every half
    /// second); all 0 while nothing in that second stood 6 dB over the noise floor.
    public static func audioSound(_ k: Int) -> Feature {
        precondition(k >= 0 && k < soundClasses.count, "sound class \(k) out of range")
        return sound[k]
    }

    private static let sound = soundClasses.enumerated().map { Feature(59 + $0.offset, "audio_sound_\($0.element)", .audio) }

    // MARK: Version 8

    /// The moving and still excess (`radarMovingExcess`, `radarStillExcess`) averaged over the last second of
    /// ticks: a person's return stays over the room's level, a cat's or a passing reflection's comes and goes.
    public static let radarMovingExcessSecond = Feature(65, "radar_moving_excess_1s", .radar)
    public static let radarStillExcessSecond = Feature(66, "radar_still_excess_1s", .radar)

    /// Every feature, in vector order.
    public static let allCases: [Feature] = [
        .cameraForeground, .cameraMotion, .audioLevel, .audioAboveFloor, .audioSpeechRatio, .audioFlux,
        .radarMoving, .radarStill, .radarDistance, .radarMicroMotion,
        .cameraBlobArea, .cameraBlobX, .cameraBlobY, .cameraBlobSpeed, .cameraSceneChanged,
        .audioFlatness, .audioHarmonicity, .audioModulation, .audioVoice,
    ] + mel + [
        .radarMovingExcess, .radarStillExcess, .radarSpeed, .radarBreathingShare, .radarBreathingAmplitude, .radarTargets,
        .audioVoiceRecent, .radarOverGateThreshold,
    ] + sound + [.radarMovingExcessSecond, .radarStillExcessSecond]
}

public struct FeatureVector: Sendable, Equatable {
    public static let specVersion = 8

    /// Sample time of the tick (its end).
    public var t: Int64
    /// Modalities whose features are valid this tick; the others hold zeros.
    public var present: SensorSet
    public var values: [Float]

    public init(t: Int64, present: SensorSet = [], values: [Float]? = nil) {
        self.t = t
        self.present = present
        self.values = values ?? [Float](repeating: 0, count: Feature.allCases.count)
    }

    public subscript(f: Feature) -> Float {
        get { values[f.index] }
        set { values[f.index] = newValue }
    }
}
