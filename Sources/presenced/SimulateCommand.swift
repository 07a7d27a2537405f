import ArgumentParser
import PresenceCore
import PresenceRecording
import PresenceService

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic room as a recording (DESIGN.md §3 format).",
        discussion: "Scenes:\n" + SimulatedScene.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))

    @Option(help: "Scene: \(SimulatedScene.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scene: String

    @Option(help: "Length, e.g. 60s or 2m.")
    var duration: String

    @Option(help: "Random seed; the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @Option(help: "Output .mcap file.")
    var out: String

    func validate() throws {
        guard SimulatedScene(rawValue: scene) != nil else {
            throw ValidationError("unknown scene '\(scene)'; known: \(SimulatedScene.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let d = DurationText.parse(duration), d > 0 else {
            throw ValidationError("--duration takes a length with a unit such as 60s or 2m, got '\(duration)'")
        }
    }

    func run() throws {
        let sim = Simulator(scene: SimulatedScene(rawValue: scene)!, duration: DurationText.parse(duration)!, seed: seed)
        try exitingOnErrorSync { try sim.write(to: out) }
    }
}
