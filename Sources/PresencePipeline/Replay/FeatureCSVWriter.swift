import Foundation
import PresenceCore

/// `--features FILE.csv`: one row per tick with every feature by name, the
/// modality mask, fusion's probability and per-source scores, and the state.
final class FeatureCSVWriter {
    private let handle: FileHandle
    private var buffer = ""

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw ReplayError(exitCode: .ioError, description: "\(path): cannot create the features file")
        }
        handle = h
        let names = Feature.allCases.map(\.name) + SensorKind.allCases.map { "present_\($0.rawValue)" }
            + ["p_occupied"] + SensorKind.allCases.map { "score_\($0.rawValue)" } + ["occupied"]
        buffer = "t," + names.joined(separator: ",") + "\n"
    }

    func write(_ tick: Pipeline.Tick) {
        var row = [String(tick.features.t)]
        row += tick.features.values.map { String($0) }
        row += SensorKind.allCases.map { tick.features.present.contains($0) ? "1" : "0" }
        // Full precision (not the events' three decimals): the CSV is for analysis and for checking other
        // runtimes (export-onnx) against presenced.
        row.append(String(tick.fusion.probability))
        row += SensorKind.allCases.map { tick.fusion.sources[$0].map { String($0) } ?? "" }
        row.append(tick.occupied ? "1" : "0")
        buffer += row.joined(separator: ",") + "\n"
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    func close() {
        flush()
        try? handle.close()
    }

    private func flush() {
        handle.write(Data(buffer.utf8))
        buffer = ""
    }
}
