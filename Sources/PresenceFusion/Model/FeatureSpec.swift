import PresenceCore

/// What a model's input is: the tick's features (FeatureVector spec, in vector
/// order), each normalised by the training data's mean and standard deviation
/// and set to 0 when its modality is absent, followed by one presence bit per
/// modality (camera, audio, radar). A model file records the spec's version
/// and hash; a model made for another spec is refused, not misread.
public enum FeatureSpec {
    public static var version: Int { FeatureVector.specVersion }
    public static var featureCount: Int { Feature.allCases.count }
    /// Features, then the presence bits.
    public static var inputCount: Int { featureCount + SensorKind.allCases.count }
    /// Normalised values are clipped to ±8 standard deviations: a sensor far outside the training data
    /// (another room, another camera) must not swamp the rest.
    public static let clip: Float = 8

    /// Input names, in order: the feature names, then `present_camera`, `present_audio`, `present_radar`.
    public static var inputNames: [String] {
        Feature.allCases.map(\.name) + SensorKind.allCases.map { "present_\($0.rawValue)" }
    }

    /// FNV-1a (64 bit) of the version and every input name and modality, as hex: any change to the list,
    /// its order or a feature's modality changes it.
    public static var hash: String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ s: String) {
            for b in s.utf8 {
                h ^= UInt64(b)
                h = h &* 0x0000_0100_0000_01B3
            }
            h ^= 0x0A
            h = h &* 0x0000_0100_0000_01B3
        }
        add("presenced-feature-spec v\(version)")
        for f in Feature.allCases { add("\(f.name):\(f.sensor.rawValue)") }
        for s in SensorKind.allCases { add("present_\(s.rawValue)") }
        let hex = String(h, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The model input for `f`: normalised features of the modalities in `present` (others 0), then the
    /// presence bits. `mean` and `scale` (1/std) have one entry per feature; `out` holds `inputCount`.
    public static func prepare(_ f: FeatureVector, present: SensorSet, mean: [Float], scale: [Float],
                               into out: UnsafeMutableBufferPointer<Float>) {
        let n = featureCount
        for feature in Feature.allCases {
            let i = feature.index
            if present.contains(feature.sensor) {
                let z = (f.values[i] - mean[i]) * scale[i]
                // A NaN (a broken feature) says nothing: it reads as the training mean.
                out[i] = z.isNaN ? 0 : min(clip, max(-clip, z))
            } else {
                out[i] = 0
            }
        }
        for (k, s) in SensorKind.allCases.enumerated() { out[n + k] = present.contains(s) ? 1 : 0 }
    }
}
