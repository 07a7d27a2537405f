import Foundation
import PackagePlugin

/// Builds a model file into its target as source: models/default.model into PresenceFusion as
/// `ModelFile.builtinJSON` (the fusion model the daemon uses when `[fusion] model` is ""), models/sound.model
/// into PresenceDSP as `SoundModelFile.builtinJSON` (the sound classifier). The models are data, versioned as
/// files (`make model`, `make sound-model` write them); this plugin turns them into source at every build
/// where they changed, so the built-in copies cannot drift from the shipped files and no generated source is
/// committed.
@main
struct EmbedModel: BuildToolPlugin {
    /// Per target: the model file and the type whose `builtinJSON` it becomes.
    static let models = [
        "PresenceFusion": ("models/default.model", "ModelFile"),
        "PresenceDSP": ("models/sound.model", "SoundModelFile"),
    ]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let (file, type) = Self.models[target.name] else {
            Diagnostics.error("EmbedModel: no model is embedded in \(target.name)")
            return []
        }
        let model = context.package.directoryURL.appending(path: file)
        let output = context.pluginWorkDirectoryURL.appending(path: "Builtin\(type).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(file) in \(target.name)",
                executable: try context.tool(named: "EmbedModelTool").url,
                arguments: [model.path(percentEncoded: false), output.path(percentEncoded: false), type],
                inputFiles: [model],
                outputFiles: [output]
            ),
        ]
    }
}
