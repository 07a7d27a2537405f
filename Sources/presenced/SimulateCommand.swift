import ArgumentParser
import PresenceCore
import PresencePipeline
import PresenceSimulator

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

    @Option(help: "Radar: ld2410 (engineering mode, per-gate energies) or ld2450 (tracked targets, with the room's ghosts).")
    var radar: String = RadarModel.ld2410.rawValue

    @Option(help: "Also write each camera frame's truth mask (255 where a person or pet is) as DIR/NNNNNN.pgm, numbered as replay --dump-masks numbers its masks.")
    var masks: String?

    func validate() throws {
        guard SimulatedScene(rawValue: scene) != nil else {
            throw ValidationError("unknown scene '\(scene)'; known: \(SimulatedScene.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard RadarModel(rawValue: radar) != nil else {
            throw ValidationError("unknown radar '\(radar)'; known: \(RadarModel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let d = DurationText.parse(duration), d > 0 else {
            throw ValidationError("--duration takes a length with a unit such as 60s or 2m, got '\(duration)'")
        }
    }

    func run() throws {
        var sim = Simulator(scene: SimulatedScene(rawValue: scene)!, duration: DurationText.parse(duration)!, seed: seed)
        sim.radar = RadarModel(rawValue: radar)!
        try exitingOnErrorSync {
            guard let masks else { return try sim.write(to: out) }
            sim.truthMasks = true
            let dumper = try MaskDumper(directory: masks)
            try sim.write(to: out) { _, width, height, mask in
                dumper.write(width: width, height: height, mask: mask)
                if let failure = dumper.failure { throw failure }
            }
        }
    }
}
