import Foundation
import PackagePlugin

/// Builds models/default.model into PresenceFusion as `ModelFile.builtinJSON`: the model the daemon uses
/// when `[fusion] model` is "" (no model file installed). The model is data, versioned as a file
/// (`make model` writes it); this plugin turns it into source at every build where it changed, so the
/// built-in copy cannot drift from the shipped file and no generated source is committed.
@main
struct EmbedModel: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let model = context.package.directoryURL.appending(path: "models/default.model")
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinModel.swift")
        return [
            .buildCommand(
                displayName: "Embedding models/default.model in \(target.name)",
                executable: try context.tool(named: "EmbedModelTool").url,
                arguments: [model.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: [model],
                outputFiles: [output]
            ),
        ]
    }
}
