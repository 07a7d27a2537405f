import PresenceCore

/// What fusion says about one tick.
public struct FusionResult: Sendable, Equatable {
    /// p(occupied), 0...1.
    public var probability: Double
    /// Each present modality's own score, 0...1.
    public var sources: SensorScores

    public init(probability: Double, sources: SensorScores) {
        self.probability = probability
        self.sources = sources
    }
}

/// Anything that turns a tick's features into p(occupied): the hand-set first
/// cut now, a trained model later. Must be a pure function of its input.
public protocol OccupancyClassifier: Sendable {
    func classify(_ features: FeatureVector) -> FusionResult
}
