import Foundation
import PresencePipeline

/// The files of `presenced eval --report DIR`: `metrics.json` (every figure, for scripts) and
/// `index.html` (the self-contained page), written atomically into DIR, made if missing.
public enum ReportFiles {
    public static func write(_ evaluation: Evaluation, traces: [RecordingTrace], to directory: String) throws(ReplayError) {
        let dir = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(evaluation).write(to: dir.appendingPathComponent("metrics.json"), options: .atomic)
            let html = HTMLReport(evaluation: evaluation, traces: traces).render()
            try Data(html.utf8).write(to: dir.appendingPathComponent("index.html"), options: .atomic)
        } catch {
            throw ReplayError(exitCode: .ioError, description: "\(directory): cannot write the report: \(error.localizedDescription)")
        }
    }
}
