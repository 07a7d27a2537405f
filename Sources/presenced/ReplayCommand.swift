import ArgumentParser
import Foundation
import PresencePipeline

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay recordings through the pipeline; events go to stdout as JSON lines.",
        discussion: "Each file is a fresh run (pipeline and tracker reset); seq continues across files.")

    @Argument(help: "Recordings (.mcap), replayed in the order given.")
    var files: [String]

    @OptionGroup var pipeline: PipelineArguments

    @Option(help: "Pace: 'max' (default) or a multiple of real time such as 1 or 10.")
    var speed = "max"

    @Option(help: "Write the foreground mask of the n-th /camera/image message as DIR/NNNNNN.pgm.")
    var dumpMasks: String?

    @Option(help: "Write every tick's features, scores and state as CSV.")
    var features: String?

    func validate() throws {
        guard speed == "max" || (Double(speed).map { $0 > 0 && $0.isFinite } ?? false) else {
            throw ValidationError("--speed takes 'max' or a positive number, got '\(speed)'")
        }
    }

    func run() async throws {
        try await exitingOnError {
            var options = try pipeline.replayOptions(files)
            options.speed = speed == "max" ? nil : Double(speed)
            options.dumpMasksDir = dumpMasks
            options.featuresCSV = features
            let out = LineWriter(handle: .standardOutput)
            defer { out.flush() }
            try PresencePipeline.Replay.run(options, emit: { out.write($0) }, warn: { printError("presenced: warning: \($0)") })
        }
    }
}

/// Buffered line output: replay can emit many lines and stdout may be a pipe.
final class LineWriter {
    let handle: FileHandle
    private var buffer = ""

    init(handle: FileHandle) { self.handle = handle }

    func write(_ line: String) {
        buffer += line
        buffer += "\n"
        if buffer.utf8.count >= 1 << 14 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer.utf8))
        buffer = ""
    }
}
