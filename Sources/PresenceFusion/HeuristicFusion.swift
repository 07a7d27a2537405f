import Foundation
import PresenceCore

/// The first-cut fusion: a hand-set logistic score per modality, combined by a
/// weighted noisy-OR over the modalities present this tick. Audio gets a low
/// weight because a TV or radio can sound like people; a voice alone cannot
/// cross the default on-threshold. A trained classifier replaces this (issue 7).
public struct HeuristicFusion: OccupancyClassifier {
    public static let weights: SensorScores = [.camera: 0.95, .radar: 0.95, .audio: 0.5]

    public init() {}

    public func classify(_ f: FeatureVector) -> FusionResult {
        var sources: SensorScores = [:]
        var pNone = 1.0
        for sensor in f.present {
            let s = score(sensor, f)
            sources[sensor] = s
            pNone *= 1 - (Self.weights[sensor] ?? 0) * s
        }
        return FusionResult(probability: 1 - pNone, sources: sources)
    }

    func score(_ sensor: SensorKind, _ f: FeatureVector) -> Double {
        switch sensor {
        case .camera:
            // A person at 4 m covers about 1 % of a 320x240 frame; sensor noise covers none.
            return logistic(Double(f[.cameraForeground]), centre: 0.004, scale: 0.0012)
        case .audio:
            let loud = logistic(Double(f[.audioAboveFloor]), centre: 12, scale: 3)
            let voiced = logistic(Double(f[.audioSpeechRatio]), centre: 0.55, scale: 0.08)
            return loud * voiced
        case .radar:
            let moving = logistic(Double(f[.radarMoving]), centre: 35, scale: 5)
            let still = logistic(Double(f[.radarStill]), centre: 30, scale: 4)
            return max(moving, still)
        }
    }

    func logistic(_ x: Double, centre: Double, scale: Double) -> Double {
        1 / (1 + exp(-(x - centre) / scale))
    }
}
