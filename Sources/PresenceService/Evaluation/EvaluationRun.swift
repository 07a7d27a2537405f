import Foundation
import PresenceCore
import PresenceFusion
import PresenceRecording
import PresenceReport

/// `presenced eval`: replays each recording through the pipeline (as `replay`
/// does), keeps every tick next to the labels, scores them and writes the
/// report: `metrics.json` and a self-contained `index.html`.
public struct EvaluationOptions: Sendable {
    public var files: [String]
    public var config = PresenceConfig()
    public var reportDir: String
    public var lenient = false
    /// Run the model with int8-quantised weights (what `export-onnx --int8` stores).
    public var int8 = false

    public init(files: [String], reportDir: String) {
        self.files = files
        self.reportDir = reportDir
    }
}

public enum EvaluationRun {
    /// Replays the files and scores them; `warn` hears of files without labels and of skipped damage.
    public static func evaluate(_ options: EvaluationOptions, warn: (String) -> Void = { _ in }) throws -> (Evaluation, [RecordingTrace]) {
        var replay = ReplayOptions(files: options.files)
        replay.config = options.config
        replay.lenient = options.lenient
        let classifier = try options.config.classifier(int8: options.int8)
        let tickPeriod = Pipeline.Options.defaultTickPeriod
        var traces: [RecordingTrace] = []
        var names = Set<String>()
        var features: [[FeatureVector]] = []
        for path in options.files {
            var trace = RecordingTrace(name: uniqueName(for: path, taken: &names), path: path)
            var ticks: [FeatureVector] = []
            let damage = try Replay.pass(path, options: replay, classifier: classifier, setUp: { pipeline in
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
        let f = options.config.fusion
        let settings = Evaluation.Settings(tickSeconds: Nanos.toSeconds(tickPeriod), holdSeconds: Nanos.toSeconds(f.hold),
                                           onThreshold: f.onThreshold, offThreshold: f.offThreshold,
                                           model: options.config.modelName + (options.int8 ? " (weights quantised to int8)" : ""))
        var evaluation = Evaluation(settings: settings, traces: traces, tickPeriod: tickPeriod)
        // The same ticks again, offline: presenced without each sensor, then the baselines.
        let tracker = f.trackerParameters
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
            if let occupied = tracker.update(t: f.t, probability: fusion.probability, stillThere: tracker.stillThere(f)) {
                out.events.append(.occupancy(OccupancyChange(t: f.t, occupied: occupied, confidence: fusion.probability, sources: fusion.sources)))
            }
            out.ticks.append(.init(t: f.t, probability: fusion.probability, occupied: tracker.occupied, sources: fusion.sources))
        }
        return out
    }

    /// Evaluates and writes `metrics.json` and `index.html` into the report directory.
    public static func run(_ options: EvaluationOptions, warn: (String) -> Void = { _ in }) throws -> Evaluation {
        let (evaluation, traces) = try evaluate(options, warn: warn)
        let dir = URL(fileURLWithPath: options.reportDir)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(evaluation).write(to: dir.appendingPathComponent("metrics.json"), options: .atomic)
            let html = HTMLReport(evaluation: evaluation, traces: traces).render()
            try Data(html.utf8).write(to: dir.appendingPathComponent("index.html"), options: .atomic)
        } catch {
            throw ReplayError(exitCode: .ioError, description: "\(options.reportDir): cannot write the report: \(error.localizedDescription)")
        }
        return evaluation
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
