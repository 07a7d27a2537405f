import Foundation
import PresenceCore
import PresenceFusion

/// `presenced eval`: replays each recording through the pipeline (as `replay`
/// does), keeps every tick next to the labels and scores them, beside presenced
/// without each sensor and the baselines on the same ticks. PresenceReport
/// writes what this returns as `metrics.json` and a self-contained `index.html`.
public struct EvaluationOptions: Sendable {
    public var files: [String]
    public var settings = PipelineSettings()
    /// The fusion step under evaluation.
    public var classifier: any OccupancyClassifier
    /// Its name in the report ("builtin:default", a path; the int8 variant says so).
    public var modelName: String
    public var lenient = false

    public init(files: [String], classifier: any OccupancyClassifier, modelName: String) {
        self.files = files
        self.classifier = classifier
        self.modelName = modelName
    }
}

public enum EvaluationRun {
    /// Replays the files and scores them; `warn` hears of files without labels and of skipped damage.
    public static func evaluate(_ options: EvaluationOptions, warn: (String) -> Void = { _ in }) throws -> (Evaluation, [RecordingTrace]) {
        let classifier = options.classifier
        let tickPeriod = Pipeline.Options.defaultTickPeriod
        var traces: [RecordingTrace] = []
        var names = Set<String>()
        var features: [[FeatureVector]] = []
        for path in options.files {
            var trace = RecordingTrace(name: uniqueName(for: path, taken: &names), path: path)
            var ticks: [FeatureVector] = []
            let damage = try Replay.pass(path, settings: options.settings, classifier: classifier, lenient: options.lenient, setUp: { pipeline in
                pipeline.tickSink = { tick in
                    trace.ticks.append(.init(t: tick.features.t, probability: tick.fusion.probability,
                                             occupied: tick.occupied, sources: tick.fusion.sources))
                    ticks.append(tick.features)
                }
            }, events: { trace.events += $0 }, label: { t, l in
                trace.labels.append(.init(t: t, occupied: l.occupied, condition: l.condition))
            })
            if let damage { warn("\(path): skipped damaged data (--lenient): \(damage)") }
            if trace.labels.isEmpty { warn("\(path): no /labels/occupancy: shown in the report, not scored") }
            traces.append(trace)
            features.append(ticks)
        }
        guard traces.contains(where: { !$0.labels.isEmpty }) else {
            throw ReplayError(exitCode: .dataError, description: "nothing to evaluate: none of the recordings has /labels/occupancy")
        }
        let tracker = options.settings.tracker
        let settings = Evaluation.Settings(tickSeconds: Nanos.toSeconds(tickPeriod), holdSeconds: Nanos.toSeconds(tracker.hold),
                                           onThreshold: tracker.onThreshold, offThreshold: tracker.offThreshold,
                                           model: options.modelName)
        var evaluation = Evaluation(settings: settings, traces: traces, tickPeriod: tickPeriod)
        // The same ticks again, offline: presenced without each sensor, then the baselines.
        for sensor in SensorKind.allCases where features.contains(where: { $0.contains { $0.present.contains(sensor) } }) {
            let variant = zip(traces, features).map { retrace($0, $1, classifier: classifier, tracker: tracker, removing: sensor) }
            evaluation.comparisons.append(.init(name: "presenced without \(sensor.rawValue)", settings: settings, traces: variant, tickPeriod: tickPeriod))
        }
        for kind in Baseline.Kind.allCases {
            let baseline = Baseline(kind)
            let params = baseline.trackerParameters(like: tracker)
            let variant = zip(traces, features).map { retrace($0, $1, classifier: baseline, tracker: params, removing: nil) }
            var s = settings
            s.holdSeconds = Nanos.toSeconds(params.hold)
            evaluation.comparisons.append(.init(name: kind.rawValue, settings: s, traces: variant, tickPeriod: tickPeriod))
        }
        return (evaluation, traces)
    }

    /// `trace` as another classifier and tracker would have said it from the same ticks' features, with
    /// `removing`'s data taken away (as if that sensor were not there).
    static func retrace(_ trace: RecordingTrace, _ ticks: [FeatureVector], classifier: any OccupancyClassifier,
                        tracker parameters: Tracker.Parameters, removing: SensorKind?) -> RecordingTrace {
        var out = RecordingTrace(name: trace.name, path: trace.path)
        out.labels = trace.labels
        guard let first = ticks.first else { return out }
        var tracker = Tracker(parameters: parameters, start: first.t - Pipeline.Options.defaultTickPeriod)
        for var f in ticks {
            if let s = removing, f.present.contains(s) {
                f.present.remove(s)
                for feature in Feature.allCases where feature.sensor == s { f[feature] = 0 }
            }
            let fusion = f.present.isEmpty ? FusionResult(probability: 0, sources: [:]) : classifier.classify(f)
            if let occupied = tracker.update(t: f.t, features: f, fusion: fusion) {
                out.events.append(.occupancy(OccupancyChange(t: f.t, occupied: occupied, confidence: fusion.probability, sources: fusion.sources)))
            }
            out.ticks.append(.init(t: f.t, probability: fusion.probability, occupied: tracker.occupied, sources: fusion.sources))
        }
        return out
    }

    /// The file name without `.mcap`, numbered when two files share it.
    private static func uniqueName(for path: String, taken: inout Set<String>) -> String {
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var name = base
        var n = 2
        while taken.contains(name) {
            name = "\(base) (\(n))"
            n += 1
        }
        taken.insert(name)
        return name
    }
}
