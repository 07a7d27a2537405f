import ArgumentParser
import Foundation
import PresencePipeline
import PresenceService

struct Calibrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Learn the empty room from recordings of it; write a radar calibration file.",
        discussion: """
        Every file is taken as an empty room from start to end: record the room with nobody in it (presenced \
        record), then calibrate from the recordings. What is learned, per gate of an LD2410 in engineering mode: \
        the mean and the spread of the moving and the still energy. Static reflections (walls, furniture, the \
        mounting) give real modules still energy on the near gates; with [radar] calibration = "FILE" the radar's \
        features are measured above that level, from the first second (without it, the baseline is learned once \
        the room has been vacant for a whole hold). The file is versioned, checksummed and names its radar model.
        """)

    @Argument(help: "Recordings of the empty room (.mcap) with LD2410 engineering-mode radar data.")
    var files: [String]

    @Option(help: "The calibration file to write (JSON).")
    var out: String

    @Flag(help: "Use what is readable in a damaged recording (skipping the damage) instead of stopping.")
    var lenient = false

    func run() async throws {
        try await exitingOnError {
            let file = try CalibrationRun.run(files: files, out: out, lenient: lenient) { printError("presenced: \($0)") }
            let c = file.calibration
            let gates = (0..<c.stillMean.count).map { String(format: "%.0f±%.0f", c.stillMean[$0], c.stillSpread[$0]) }
            print("\(out): \(c.sensor.rawValue), \(c.reports) reports over \(String(format: "%.0f", c.seconds)) s; still energy by gate: \(gates.joined(separator: " "))")
        }
    }
}
