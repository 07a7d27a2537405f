import PresenceCore

/// Labelled ticks to learn from: each tick's features as the pipeline computed
/// them, the modalities present, and the label in force, grouped by recording
/// (the validation split is by recording, never by tick: neighbouring ticks are
/// nearly the same, and a split by tick would measure memory, not skill).
public struct TrainingSet: Sendable {
    public struct Example: Sendable {
        public var features: [Float]
        public var present: SensorSet
        public var occupied: Bool
        public var condition: String?
        /// Index into `recordings`.
        public var recording: Int

        public init(features: [Float], present: SensorSet, occupied: Bool, condition: String?, recording: Int) {
            (self.features, self.present, self.occupied, self.condition, self.recording) = (features, present, occupied, condition, recording)
        }
    }

    public var recordings: [String] = []
    public var examples: [Example] = []
    /// Recordings never set aside for validation (`presenced train --train-only`).
    public var trainOnly: Set<Int> = []

    public init() {}

    /// Adds a recording's ticks; returns its index. `trainOnly`: it is learnt from but never validated on.
    @discardableResult
    public mutating func add(recording name: String, ticks: [Example], trainOnly: Bool = false) -> Int {
        let index = recordings.count
        recordings.append(name)
        if trainOnly { self.trainOnly.insert(index) }
        examples += ticks.map { var e = $0; e.recording = index; return e }
        return index
    }

    /// Recordings set aside for validation: among the recordings made with the same sensors, every
    /// `every`-th in name order, starting with the second, so that the split depends only on the names and
    /// every kind of device (all three sensors, sound only, …) with two or more recordings is validated too.
    /// (Early stopping watches the validation loss: a kind of device missing from it would stop training
    /// whenever the others are done, learnt or not.) Train-only recordings take no part.
    public func validationRecordings(every: Int) -> Set<Int> {
        guard every >= 2 else { return [] }
        var sensors = [SensorSet](repeating: [], count: recordings.count)
        for e in examples { sensors[e.recording].formUnion(e.present) }
        var out: Set<Int> = []
        let candidates = recordings.indices.filter { !trainOnly.contains($0) }
        for group in Dictionary(grouping: candidates, by: { sensors[$0] }).values where group.count >= 2 {
            let order = group.sorted { recordings[$0] < recordings[$1] }
            out.formUnion(order.enumerated().filter { $0.offset % every == 1 }.map(\.element))
        }
        return out
    }

    /// Mean and standard deviation of each feature over the examples whose modality was present;
    /// a feature that never varies (or never appears) gets mean 0 and deviation 1.
    public static func normalisation(of examples: [Example]) -> ModelFile.Normalisation {
        let n = FeatureSpec.featureCount
        var sum = [Double](repeating: 0, count: n), sumSq = sum, count = sum
        for e in examples {
            for f in Feature.allCases where e.present.contains(f.sensor) {
                let v = Double(e.features[f.index])
                guard v.isFinite else { continue }
                sum[f.index] += v
                sumSq[f.index] += v * v
                count[f.index] += 1
            }
        }
        var mean = [Float](repeating: 0, count: n), std = [Float](repeating: 1, count: n)
        for i in 0..<n where count[i] > 0 {
            let m = sum[i] / count[i]
            let variance = max(0, sumSq[i] / count[i] - m * m)
            mean[i] = Float(m)
            std[i] = variance > 1e-12 ? Float(variance.squareRoot()) : 1
        }
        return ModelFile.Normalisation(mean: mean, std: std)
    }
}
