import PresenceCore

/// Fusion by a trained model: p(occupied) from the tick's features through the
/// MLP, with the modalities that are present. Each modality's own score (the
/// `sources` of events) is the model's answer with only that modality present:
/// what that sensor alone would say; the microphone's is `MicrophoneAlone`'s. Four small passes, no
/// allocation.
public struct MLPFusion: OccupancyClassifier {
    public let name: String
    public let network: MLP
    private let mean: [Float]
    private let scale: [Float]

    public init(model: ModelFile) throws(ModelError) {
        network = try model.network()
        name = model.name
        mean = model.normalisation.mean
        scale = model.normalisation.std.map { 1 / $0 }
    }

    public func classify(_ f: FeatureVector) -> FusionResult {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: FeatureSpec.inputCount) { input in
            var sources = SensorScores()
            if f.present.count > 1 {
                for sensor in f.present {
                    sources[sensor] = Double(probability(f, present: SensorSet(only: sensor), input: input))
                }
            }
            let p = Double(probability(f, present: f.present, input: input))
            // A lone sensor's own score is the answer itself.
            if f.present.count == 1 { for only in f.present { sources[only] = p } }
            return FusionResult(probability: f.present.isEmpty ? 0 : p, sources: sources)
        }
    }

    /// p(occupied) with only the modalities in `present`; the microphone alone answers by what it hears
    /// (`MicrophoneAlone`), not through the model.
    public func probability(_ f: FeatureVector, present: SensorSet, input: UnsafeMutableBufferPointer<Float>) -> Float {
        if present == [.audio] { return MicrophoneAlone.probability(f) }
        FeatureSpec.prepare(f, present: present, mean: mean, scale: scale, into: input)
        return MLP.logistic(network.logit(UnsafeBufferPointer(input)))
    }
}
