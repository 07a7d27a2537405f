import ArgumentParser
import PresenceService

@main
struct Presenced: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presenced",
        abstract: "Sensor-fusion presence detection: camera, microphone and mmWave radar.",
        discussion: """
        Exit codes: 0 ok, 64 usage, 65 bad input data, 66 missing input, 74 I/O error, 78 bad configuration.
        """,
        version: Daemon.version,
        subcommands: [Run.self, Replay.self, Record.self, Simulate.self, Eval.self, Train.self, Calibrate.self, ExportONNX.self, Label.self, Repair.self, CheckConfig.self, Watch.self]
    )
}
