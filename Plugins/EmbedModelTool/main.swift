import Foundation

// EmbedModelTool MODEL OUT.swift TYPE: writes the model file's text as `TYPE.builtinJSON`, byte for byte,
// in a raw string literal whose delimiter the text cannot end early (Plugins/EmbedModel runs it).

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: EmbedModelTool MODEL OUT.swift TYPE\n".utf8))
    exit(64)
}
let (modelPath, outPath, typeName) = (arguments[1], arguments[2], arguments[3])
guard let data = FileManager.default.contents(atPath: modelPath) else {
    FileHandle.standardError.write(Data("EmbedModelTool: cannot read \(modelPath) (make model or make sound-model writes it)\n".utf8))
    exit(66)
}
guard let text = String(data: data, encoding: .utf8) else {
    FileHandle.standardError.write(Data("EmbedModelTool: \(modelPath) is not UTF-8 text\n".utf8))
    exit(65)
}
// One more '#' than the longest run of them after a quote, so that nothing in the text closes the literal.
var hashes = "#"
while text.contains("\"" + hashes) { hashes += "#" }
let source = """
    // Generated at build time by Plugins/EmbedModel from \(modelPath): do not edit.
    // Its model card is beside it in models/.

    extension \(typeName) {
        /// \(modelPath.split(separator: "/").suffix(2).joined(separator: "/")), byte for byte.
        static let builtinJSON = \(hashes)\"\"\"
    \(text)
    \"\"\"\(hashes)
    }

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: outPath), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("EmbedModelTool: cannot write \(outPath): \(error)\n".utf8))
    exit(74)
}
