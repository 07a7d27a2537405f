import ArgumentParser
import Foundation
import PresenceFusion
import PresencePipeline

struct ExportONNX: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Write a trained model as ONNX (opset 13), for other runtimes and tools.",
        discussion: """
        Inputs: features (float [N, F], F = 58 in feature spec v5: the tick's raw features in spec order, as `replay --features` \
        writes them) and present (float [N, 3]: camera, audio, radar, 1 where the sensor had data). \
        Output: p_occupied (float [N, 1]), what presenced computes for the same tick. With --int8 the \
        weight matrices are stored as int8 with one scale each (`eval --int8` measures what that costs).
        """)

    @Argument(help: "The model file (presenced train).")
    var model: String

    @Option(help: "The ONNX file to write.")
    var out: String

    @Flag(help: "Store the weights as int8 (symmetric, one scale per matrix).")
    var int8 = false

    func run() async throws {
        try await exitingOnError {
            let file: ModelFile
            let bytes: [UInt8]
            do {
                file = try ModelFile.load(path: model)
                bytes = try ONNXExport.model(file, int8: int8)
            } catch {
                if case ModelError.unreadable = error { throw ReplayError(exitCode: .noInput, description: "\(error)") }
                throw ReplayError(exitCode: .dataError, description: "\(error)")
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw ReplayError(exitCode: .ioError, description: "\(out): cannot write: \(error.localizedDescription)")
            }
            print("\(out): \(bytes.count) bytes, \(int8 ? "int8" : "float32") weights, model \(file.name) (\(file.spec.hash))")
        }
    }
}
