import ArgumentParser
import Foundation
import PresencePipeline
import PresenceReport

struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score recordings against their labels; write metrics.json and an HTML report.",
        discussion: """
        Each file is replayed through the pipeline (as `replay` does) and every 100 ms tick is compared
        with /labels/occupancy: precision, recall and F1 per tick; entry and exit latency (median, p95);
        false alarms per hour of empty time; tables per recording, per label condition and per sensor.
        The configured hold after a labelled exit is not counted against the tracker.
        """)

    @Argument(help: "Labelled recordings (.mcap).")
    var files: [String]

    @OptionGroup var pipeline: PipelineArguments

    @Option(help: "Directory for metrics.json and index.html (created if missing).")
    var report: String

    @Flag(help: "Run the model with its weights quantised to int8, as export-onnx --int8 stores them.")
    var int8 = false

    func run() async throws {
        try await exitingOnError {
            let config = try pipeline.loadConfig()
            var options = EvaluationOptions(files: files, classifier: try config.classifier(int8: int8),
                                            modelName: config.modelName + (int8 ? " (weights quantised to int8)" : ""))
            options.settings = config.pipelineSettings
            options.lenient = pipeline.lenient
            let (evaluation, traces) = try EvaluationRun.evaluate(options, warn: { printError("presenced: warning: \($0)") })
            try ReportFiles.write(evaluation, traces: traces, to: report)
            print(TextSummary.table(evaluation))
            print("report: \((report as NSString).appendingPathComponent("index.html"))")
        }
    }
}
